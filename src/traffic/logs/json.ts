// JSON logs, streamed. JSONL: one object per line, each parsed with JSON.parse (the fast path). A
// JSON document (a top-level array, an API page {"data": [...]}, an OTLP {"resourceSpans": [...]},
// or one or more top-level objects) goes through @streamparser/json, which emits each element as
// soon as it is complete: a 1 GB array is never held whole. Records carry the line their element
// starts on, so messages can say file:line for pretty-printed documents too.
import type { Readable } from 'node:stream';
import { Tokenizer, TokenParser } from '@streamparser/json';
import { jsonSyntaxProblem, jsonTooDeepAt, LIMITS, megabytes } from '../../config/input-limits.js';
import { userError } from '../../diagnostics.js';
import type { RawRecord } from './source.js';

export const RECORD_BATCH = 512;

/** Top-level keys whose array holds the records (an API page, an OTLP export). */
const WRAPPER_KEYS = ['data', 'results', 'resourceSpans'] as const;

/**
 * A JSONL line that is a whole API page ({"data": [...], "meta": {...}} saved on one line) holds
 * its records in that array. A record never has an array of objects under these keys and no model.
 */
function pageRecords(o: Record<string, unknown>): Record<string, unknown>[] | undefined {
  if ('model' in o || 'usage' in o) return undefined;
  for (const k of ['data', 'results'] as const) {
    const v = o[k];
    if (Array.isArray(v) && v.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e)))
      return v as Record<string, unknown>[];
  }
  return undefined;
}

export async function* jsonlRecords(stream: Readable): AsyncGenerator<RawRecord[]> {
  let batch: RawRecord[] = [];
  for await (const rec of jsonlLines(stream)) {
    batch.push(rec);
    if (batch.length >= RECORD_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * The lines of a byte stream, split at \n (a \r before it is dropped), decoded as UTF-8 one line at a
 * time. A line longer than maxBytes is not held: its bytes are counted and dropped, and it comes
 * out as its length only (readline would buffer it whole, however long).
 */
export async function* splitLines(
  stream: AsyncIterable<Buffer>,
  maxBytes: number,
): AsyncGenerator<{ text: string; tooLong?: undefined } | { text?: undefined; tooLong: number }> {
  let parts: Buffer[] = [];
  let length = 0;
  let dropped = false;
  const finish = (): { text: string } | { tooLong: number } => {
    const out = dropped
      ? { tooLong: length }
      : { text: (parts.length === 1 ? parts[0]! : Buffer.concat(parts, length)).toString('utf8') };
    parts = [];
    length = 0;
    dropped = false;
    if (out.text?.endsWith('\r')) out.text = out.text.slice(0, -1);
    return out;
  };
  const keep = (b: Buffer): void => {
    length += b.length;
    if (dropped) return;
    if (length > maxBytes) {
      dropped = true;
      parts = [];
    } else parts.push(b);
  };
  for await (const chunk of stream) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      keep(chunk.subarray(from, nl));
      yield finish();
      from = nl + 1;
    }
    if (from < chunk.length) keep(chunk.subarray(from));
  }
  if (length > 0 || dropped) yield finish();
}

async function* jsonlLines(stream: Readable): AsyncGenerator<RawRecord> {
  let line = 0;
  for await (const l of splitLines(stream, LIMITS.jsonlLineBytes)) {
    line++;
    if (l.tooLong !== undefined) {
      const detail = `the line is longer than ${megabytes(LIMITS.jsonlLineBytes)} (${megabytes(l.tooLong)}), the most llmcost reads for one record`;
      yield { line, raw: '', error: { kind: 'line too long', detail } };
      continue;
    }
    let text = l.text;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    // the depth first: the parse is iterative, but what reads the object afterwards recurses
    const deep = jsonTooDeepAt(text);
    if (deep >= 0) {
      const detail = `JSON nested more than ${LIMITS.depth} levels deep (at column ${deep + 1})`;
      yield { line, raw: text, error: { kind: 'nested too deeply', detail } };
      continue;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      // V8's message quotes the line: say where it breaks instead
      const { offset, message } = jsonSyntaxProblem(text);
      yield { line, raw: text, error: { kind: 'invalid JSON', detail: `${message} at column ${offset + 1}` } };
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      yield { line, raw: text, error: { kind: 'not a JSON object', detail: 'each line must be one JSON object' } };
      continue;
    }
    const page = pageRecords(obj as Record<string, unknown>);
    if (page) for (const fields of page) yield { line, fields };
    else yield { line, raw: text, fields: obj as Record<string, unknown> };
  }
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

/**
 * Where a document's records are: '$.*' for a top-level array, '$.<key>.*' when the top-level
 * object's first array under a wrapper key holds them (looked for in `head` only), else '$'
 * (each top-level value is one record).
 */
export function documentPath(head: string): string {
  const first = head.trimStart()[0];
  if (first === '[') return '$.*';
  const t = new Tokenizer();
  let depth = 0;
  let key: string | undefined;
  let afterColon = false;
  let found: string | undefined;
  t.onToken = ({ token, value }) => {
    if (found) return;
    if (depth === 1 && afterColon && key && token === 2 /* [ */ && (WRAPPER_KEYS as readonly string[]).includes(key))
      found = key;
    afterColon = depth === 1 && token === 4; /* : */
    if (depth === 1 && token === 9 /* string */ && !afterColon) key = String(value);
    if (token === 0 || token === 2) depth++;
    else if (token === 1 || token === 3) depth--;
  };
  t.onError = () => {};
  try {
    t.write(head);
  } catch {
    /* a head cut mid-token or bad JSON: the full parse reports it */
  }
  return found ? `$.${found}.*` : '$';
}

/** Line numbers of byte offsets, counted as the bytes go by (offsets are asked in increasing order). */
class LineCounter {
  private readonly chunks: Buffer[] = [];
  private chunkStart = 0;
  private pos = 0;
  private line = 1;
  push(b: Buffer): void {
    this.chunks.push(b);
  }
  at(offset: number): number {
    while (this.pos < offset && this.chunks.length) {
      const c = this.chunks[0]!;
      const end = Math.min(c.length, offset - this.chunkStart);
      for (let i = c.indexOf(10, this.pos - this.chunkStart); i !== -1 && i < end; i = c.indexOf(10, i + 1))
        this.line++;
      this.pos = this.chunkStart + end;
      if (end === c.length) {
        this.chunkStart += c.length;
        this.chunks.shift();
      }
    }
    return this.line;
  }
}

/** Records of a JSON document at `path` (see documentPath), in batches, with the line each starts on. */
export async function* jsonDocumentRecords(
  stream: AsyncIterable<Buffer>,
  path: string,
  shownAs: string,
): AsyncGenerator<RawRecord[]> {
  // '$' reads a stream of top-level values (one object, or several one after another)
  const tokenizer = new Tokenizer(path === '$' ? { separator: '' } : {});
  const parser = new TokenParser({ paths: [path], keepStack: false, ...(path === '$' ? { separator: '' } : {}) });
  const elementDepth = path === '$' ? 0 : path.split('.').length - 1;
  const lines = new LineCounter();
  let depth = 0;
  let start = 0;
  let lastOffset = 0;
  let out: RawRecord[] = [];
  let failure: Error | undefined;
  let failedAt = 0;
  // past a limit nothing more is parsed: a record nested deeper than LIMITS.depth (what reads it
  // recurses) or larger than one JSONL line may be (the parser holds a record whole)
  let limit: { offset: number; message: string } | undefined;
  tokenizer.onToken = (info) => {
    if (limit) return;
    const tok = info.token as number;
    lastOffset = info.offset;
    // a token at the records' depth that is not a separator starts a record
    if (depth === elementDepth && tok !== 5 /* , */ && tok !== 3 /* ] */ && tok !== 4 /* : */) start = info.offset;
    // inside a record (its closing bracket included): how far from its start
    if (depth > elementDepth && info.offset - start > LIMITS.jsonlLineBytes)
      limit = {
        offset: start,
        message: `a record is larger than ${megabytes(LIMITS.jsonlLineBytes)}, the most llmcost reads for one`,
      };
    if (tok === 0 || tok === 2) depth++;
    else if (tok === 1 || tok === 3) depth--;
    if (depth - elementDepth > LIMITS.depth)
      limit = { offset: info.offset, message: `a record is nested more than ${LIMITS.depth} levels deep` };
    if (limit) return;
    parser.write(info);
  };
  parser.onValue = ({ value }) => {
    const line = lines.at(start);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      out.push({ line, fields: value as Record<string, unknown> });
    else
      out.push({
        line,
        raw: JSON.stringify(value),
        error: { kind: 'not a JSON object', detail: 'each record of the document must be a JSON object' },
      });
  };
  // the offset of the token being read when parsing failed (the tokenizer may read on past it)
  const onError = (e: Error): void => {
    if (failure) return;
    failure = e;
    failedAt = lastOffset;
  };
  tokenizer.onError = onError;
  parser.onError = onError;
  const overLimit = (): never => {
    throw userError('INPUT_LIMIT', limit!.message, {
      where: `${shownAs}:${lines.at(limit!.offset)}`,
      hint: 'real records nest a few levels and hold a request each: check where this file came from',
    });
  };
  const fail = (e: Error): never => {
    const line = lines.at(failedAt);
    // the parser's messages quote the value they stopped at (which may be anything the file holds): keep the rest
    const msg = e.message
      .replace(/\s*\([^)]*\)/g, '')
      .replace(/"(?:[^"\\]|\\.){2,}"/g, '"…"')
      .replace(/[\u0000-\u001f\u007f]/g, '?')
      .slice(0, 120);
    throw userError('LOG_FORMAT', `JSON document cannot be parsed: ${msg}`, {
      where: `${shownAs}:${line}`,
      hint: 'check the JSON at or after that line (a JSON array of objects, an API page {"data": [...]}, or JSONL with one object per line)',
    });
  };
  let first = true;
  for await (let chunk of stream) {
    if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    first = false;
    lines.push(chunk);
    tokenizer.write(chunk);
    if (limit) {
      if (out.length) yield out;
      overLimit();
    }
    if (failure) {
      if (out.length) yield out;
      fail(failure);
    }
    if (out.length >= RECORD_BATCH) {
      yield out;
      out = [];
    }
  }
  if (!tokenizer.isEnded) tokenizer.end();
  if (out.length) yield out;
  out = [];
  if (failure) fail(failure);
  if (path !== '$' && depth !== 0) {
    failedAt = lastOffset;
    fail(new Error('the document ends before its closing bracket (truncated?)'));
  }
}
