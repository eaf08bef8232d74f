// JSON documents (a top-level array, a page object wrapping one, or a stream of top-level values),
// read with a streaming tokenizer. Apart from json.ts (JSONL) so that the tokenizer is loaded only
// when a log is a JSON document: the log reader imports this module on demand.
import { Tokenizer, TokenParser } from '@streamparser/json';
import { LIMITS, megabytes } from '../../config/input-limits.js';
import { userError } from '../../diagnostics.js';
import type { RawRecord } from './source.js';
import { RECORD_BATCH, WRAPPER_KEYS } from './json.js';

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
