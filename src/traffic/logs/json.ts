// JSON logs, streamed. JSONL: one object per line, each parsed with JSON.parse (the fast path). A
// JSON document (a top-level array, an API page {"data": [...]}, an OTLP {"resourceSpans": [...]},
// or one or more top-level objects) goes through @streamparser/json (json-document.ts), which emits
// each element as soon as it is complete: a 1 GB array is never held whole. Records carry the line
// their element starts on, so messages can say file:line for pretty-printed documents too.
import type { Readable } from 'node:stream';
import { jsonSyntaxProblem, jsonTooDeepAt, LIMITS, megabytes } from '../../config/input-limits.js';
import type { RawRecord } from './source.js';

export const RECORD_BATCH = 512;

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

export async function* jsonlRecords(stream: Readable, firstLine = 1): AsyncGenerator<RawRecord[]> {
  let batch: RawRecord[] = [];
  for await (const rec of jsonlLines(stream, firstLine)) {
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

/** the records of JSON Lines whose first line is line `firstLine` of the file (a byte range's: table/read.ts) */
async function* jsonlLines(stream: Readable, firstLine: number): AsyncGenerator<RawRecord> {
  let line = firstLine - 1;
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
