// JSON logs, streamed. JSONL: one object per line, each parsed with JSON.parse (the fast path). A
// JSON document (a top-level array, an API page {"data": [...]}, an OTLP {"resourceSpans": [...]},
// or one or more top-level objects) goes through @streamparser/json (json-document.ts), which emits
// each element as soon as it is complete: a 1 GB array is never held whole. Records carry the line
// their element starts on, so messages can say file:line for pretty-printed documents too.
import type { Readable } from 'node:stream';
import { jsonSyntaxProblem, jsonTooDeepAt, LIMITS, megabytes } from '../../config/input-limits.js';
import type { LineSkip } from './quotefree.js';
import type { RawRecord } from './source.js';

export const RECORD_BATCH = 512;

/** JSON's white space (space, tab, LF, CR); false past the end of a buffer (undefined) */
export const isJsonSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Top-level keys whose array holds the records (an API page, a Cloudflare API result, an OTLP export). */
export const WRAPPER_KEYS = ['data', 'results', 'result', 'resourceSpans'] as const;

/**
 * A JSONL line that is a whole API page ({"data": [...], "meta": {...}} saved on one line) holds
 * its records in that array. A record never has an array of objects under these keys and no model.
 */
function pageRecords(o: Record<string, unknown>): Record<string, unknown>[] | undefined {
  if ('model' in o || 'usage' in o) return undefined;
  for (const k of ['data', 'results', 'result'] as const) {
    const v = o[k];
    if (Array.isArray(v) && v.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e)))
      return v as Record<string, unknown>[];
  }
  return undefined;
}

export async function* jsonlRecords(
  stream: Readable,
  firstLine = 1,
  /** lines to leave out unparsed (a sample's: sampled.ts), counted by their own rule */
  skip?: LineSkip,
): AsyncGenerator<RawRecord[]> {
  // a chunk's lines are read without an await between them (an async step per line cost ~10%)
  const lines = new LineSplitter(LIMITS.jsonlLineBytes, skip);
  const record = jsonlRecord(firstLine);
  let batch: RawRecord[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    lines.push(chunk);
    for (let l = lines.next(); l; l = lines.next()) {
      record(l, batch);
      // (in batches of RECORD_BATCH: a chunk's worth at once held more parsed records, and was slower)
      if (batch.length >= RECORD_BATCH) {
        yield batch;
        batch = [];
      }
    }
  }
  const last = lines.end();
  if (last) record(last, batch);
  if (batch.length) yield batch;
}

/**
 * A line of a byte stream: its text, or only its length when it was longer than the most held, or
 * neither when the splitter's skip rule left it out undecoded.
 */
export type SplitLine =
  | { text: string; tooLong?: undefined }
  | { text?: undefined; tooLong: number }
  | { text?: undefined; tooLong?: undefined };

/** what next() gives for a line the skip rule left out (its line number still counts) */
const SKIPPED: SplitLine = {};

/**
 * Splits a byte stream's chunks into lines at \n (a \r before it is dropped), decoded as UTF-8 one
 * line at a time. A line longer than maxBytes is not held: its bytes are counted and dropped, and
 * it comes out as its length only (readline would buffer it whole, however long).
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private length = 0;
  private dropped = false;
  private chunk: Buffer = Buffer.alloc(0);
  private from = 0;

  constructor(
    private readonly maxBytes: number,
    /** leaves out a line whole in one chunk (its bytes, without the line break) undecoded */
    private readonly skip?: LineSkip,
  ) {}

  /** the next chunk, whose lines next() gives (after those of the chunks before) */
  push(chunk: Buffer): void {
    this.chunk = chunk;
    this.from = 0;
  }

  /** the next complete line of the chunk, or undefined when it has none left (the rest is kept) */
  next(): SplitLine | undefined {
    const { chunk, from } = this;
    const nl = chunk.indexOf(10, from);
    if (nl === -1) {
      if (from < chunk.length) this.keep(chunk.subarray(from));
      this.from = chunk.length;
      return undefined;
    }
    this.from = nl + 1;
    // a whole line inside the chunk (the common case): decoded from it, nothing kept
    if (this.length === 0 && !this.dropped && nl - from <= this.maxBytes) {
      const end = nl > from && chunk[nl - 1] === 13 ? nl - 1 : nl;
      return this.skip?.(chunk, from, end) ? SKIPPED : { text: chunk.toString('utf8', from, end) };
    }
    this.keep(chunk.subarray(from, nl));
    return this.finish();
  }

  /** the last line, when the stream does not end with a line break */
  end(): SplitLine | undefined {
    return this.length > 0 || this.dropped ? this.finish() : undefined;
  }

  private finish(): SplitLine {
    const out: SplitLine = this.dropped
      ? { tooLong: this.length }
      : { text: (this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length)).toString('utf8') };
    this.parts = [];
    this.length = 0;
    this.dropped = false;
    if (out.text?.endsWith('\r')) out.text = out.text.slice(0, -1);
    return out;
  }

  private keep(b: Buffer): void {
    this.length += b.length;
    if (this.dropped) return;
    if (this.length > this.maxBytes) {
      this.dropped = true;
      this.parts = [];
    } else this.parts.push(b);
  }
}

/**
 * What each line of JSON Lines whose first line is line `firstLine` of the file (a byte range's:
 * table/read.ts) holds, added to `out`: its records (a page's several), an error, or nothing (a
 * blank line).
 */
function jsonlRecord(firstLine: number): (l: SplitLine, out: RawRecord[]) => void {
  let line = firstLine - 1;
  return (l, out) => {
    line++;
    if (l.tooLong !== undefined) {
      const detail = `the line is longer than ${megabytes(LIMITS.jsonlLineBytes)} (${megabytes(l.tooLong)}), the most llmcost reads for one record`;
      out.push({ line, raw: '', error: { kind: 'line too long', detail } });
      return;
    }
    let text = l.text;
    if (text === undefined) return;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return;
    // the depth first: the parse is iterative, but what reads the object afterwards recurses
    const deep = jsonTooDeepAt(text);
    if (deep >= 0) {
      const detail = `JSON nested more than ${LIMITS.depth} levels deep (at column ${deep + 1})`;
      out.push({ line, raw: text, error: { kind: 'nested too deeply', detail } });
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      // V8's message quotes the line: say where it breaks instead
      const { offset, message } = jsonSyntaxProblem(text);
      out.push({ line, raw: text, error: { kind: 'invalid JSON', detail: `${message} at column ${offset + 1}` } });
      return;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
      out.push({ line, raw: text, error: { kind: 'not a JSON object', detail: 'each line must be one JSON object' } });
    else {
      const page = pageRecords(obj as Record<string, unknown>);
      if (page) for (const fields of page) out.push({ line, fields });
      else out.push({ line, raw: text, fields: obj as Record<string, unknown> });
    }
  };
}

/**
 * Whether text that starts with '{' is JSONL: its first line is a whole JSON object. Otherwise it
 * is a document (pretty-printed, or a first line longer than the head we looked at).
 */
export function looksLikeJsonl(head: string): boolean {
  const nl = head.indexOf('\n');
  if (nl < 0) return false;
  try {
    const v = JSON.parse(head.slice(0, nl));
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}
