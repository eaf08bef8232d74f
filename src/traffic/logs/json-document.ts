// JSON documents (a top-level array, a page object wrapping one, or a stream of top-level values),
// read with a streaming tokenizer. Apart from json.ts (JSONL) so that the tokenizer is loaded only
// when a log is a JSON document: the log reader imports this module on demand.
import { Tokenizer, TokenParser } from '@streamparser/json';
import { LIMITS, megabytes } from '../../config/input-limits.js';
import { userError } from '../../diagnostics.js';
import type { RawRecord } from './source.js';
import { isJsonSpace, RECORD_BATCH, WRAPPER_KEYS } from './json.js';

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
export class LineCounter {
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

/**
 * The streaming tokenizer's reading of a document at `path`, fed its bytes by write(): records
 * in `out`, with the line each starts on; a parse error or a limit thrown as a located user error
 * (take() first yields the records read before it). It may start after the records already read
 * of a top-level array (resume): it is then fed `[{}` (or `[{"":0}`) and the bytes after the last
 * record, and drops that record, so it reads on as if it had read the ones before (ArrayScanner).
 */
class TokenizedReader {
  private readonly tokenizer: Tokenizer;
  private readonly parser: TokenParser;
  private readonly elementDepth: number;
  private depth = 0;
  private start = 0;
  private lastOffset = 0;
  out: RawRecord[] = [];
  private failure: Error | undefined;
  private failedAt = 0;
  // past a limit nothing more is parsed: a record nested deeper than LIMITS.depth (what reads it
  // recurses) or larger than one JSONL line may be (the parser holds a record whole)
  private limit: { offset: number; message: string } | undefined;
  /** the record a resumed reading starts with (ArrayScanner.resumeBytes) is none of the file's */
  private skipValue: boolean;

  constructor(
    private readonly path: string,
    private readonly shownAs: string,
    private readonly lines: LineCounter,
    /** the file offset of the tokenizer's offset 0 (a resumed reading: its first record sits just before) */
    private readonly base = 0,
    resumed = false,
  ) {
    // '$' reads a stream of top-level values (one object, or several one after another)
    this.tokenizer = new Tokenizer(path === '$' ? { separator: '' } : {});
    keepByteOrderMarks(this.tokenizer);
    this.parser = new TokenParser({ paths: [path], keepStack: false, ...(path === '$' ? { separator: '' } : {}) });
    this.elementDepth = path === '$' ? 0 : path.split('.').length - 1;
    this.skipValue = resumed;
    this.tokenizer.onToken = (info) => {
      if (this.limit) return;
      const tok = info.token as number;
      const offset = info.offset + this.base;
      this.lastOffset = offset;
      // a token at the records' depth that is not a separator starts a record
      if (this.depth === this.elementDepth && tok !== 5 /* , */ && tok !== 3 /* ] */ && tok !== 4 /* : */)
        this.start = offset;
      // inside a record (its closing bracket included): how far from its start
      if (this.depth > this.elementDepth && offset - this.start > LIMITS.jsonlLineBytes)
        this.limit = {
          offset: this.start,
          message: `a record is larger than ${megabytes(LIMITS.jsonlLineBytes)}, the most llmcost reads for one`,
        };
      if (tok === 0 || tok === 2) this.depth++;
      else if (tok === 1 || tok === 3) this.depth--;
      if (this.depth - this.elementDepth > LIMITS.depth)
        this.limit = { offset, message: `a record is nested more than ${LIMITS.depth} levels deep` };
      if (this.limit) return;
      this.parser.write(info);
    };
    this.parser.onValue = ({ value }) => {
      if (this.skipValue) {
        this.skipValue = false;
        return;
      }
      const line = this.lines.at(this.start);
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        this.out.push({ line, fields: value as Record<string, unknown> });
      else
        this.out.push({
          line,
          raw: JSON.stringify(value),
          error: { kind: 'not a JSON object', detail: 'each record of the document must be a JSON object' },
        });
    };
    // the offset of the token being read when parsing failed (the tokenizer may read on past it)
    const onError = (e: Error): void => {
      if (this.failure) return;
      this.failure = e;
      this.failedAt = this.lastOffset;
    };
    this.tokenizer.onError = onError;
    this.parser.onError = onError;
  }

  /** feeds bytes (or the first record of a resumed reading); then take() */
  write(b: Uint8Array | string): void {
    this.tokenizer.write(b);
  }

  /** the records read, a batch at a time; then what stops the reading (a limit, a parse error), thrown */
  *take(): Generator<RawRecord[]> {
    const stop = this.limit !== undefined || this.failure !== undefined;
    if (this.out.length >= RECORD_BATCH || (stop && this.out.length)) {
      yield this.out;
      this.out = [];
    }
    if (this.limit)
      throw userError('INPUT_LIMIT', this.limit.message, {
        where: `${this.shownAs}:${this.lines.at(this.limit.offset)}`,
        hint: 'real records nest a few levels and hold a request each: check where this file came from',
      });
    if (this.failure) this.fail(this.failure);
  }

  /** the end of the bytes: the records left, then what is left unfinished, thrown */
  *end(): Generator<RawRecord[]> {
    if (!this.tokenizer.isEnded) this.tokenizer.end();
    if (this.out.length) yield this.out;
    this.out = [];
    if (this.failure) this.fail(this.failure);
    if (this.path !== '$' && this.depth !== 0) {
      this.failedAt = this.lastOffset;
      this.fail(new Error('the document ends before its closing bracket (truncated?)'));
    }
  }

  private fail(e: Error): never {
    const line = this.lines.at(this.failedAt);
    // the parser's messages quote the value they stopped at (which may be anything the file holds): keep the rest
    const msg = e.message
      // where in the chunk it was given (the line is in `where`)
      .replace(/ at chunk position "\d+"/, '')
      .replace(/\s*\([^)]*\)/g, '')
      .replace(/"(?:[^"\\]|\\.){2,}"/g, '"…"')
      .replace(/[\u0000-\u001f\u007f]/g, '?')
      .slice(0, 120);
    throw userError('LOG_FORMAT', `JSON document cannot be parsed: ${msg}`, {
      where: `${this.shownAs}:${line}`,
      hint: 'check the JSON at or after that line (a JSON array of objects, an API page {"data": [...]}, or JSONL with one object per line)',
    });
  }
}

/**
 * @streamparser/json decodes a string's bytes with a TextDecoder that drops a U+FEFF at the start
 * of each piece it decodes, so a string holding one lost it or not by where a chunk ended (a key
 * "\ufeff" read as ""): its decoder is given one that keeps it, as JSON.parse does. A test reads
 * such strings in every chunking (json-array-scan), so a change of the tokenizer's insides shows.
 */
function keepByteOrderMarks(tokenizer: Tokenizer): void {
  const text = (tokenizer as unknown as { bufferedString?: { decoder?: unknown } }).bufferedString;
  if (text && text.decoder instanceof TextDecoder)
    text.decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
}

/** where ArrayScanner is between records: before the document's `[`; after it (a record or `]`);
 * after a record (`,` or `]`); after `,` (a record); after the closing `]` (only white space) */
const START = 0;
const FIRST = 1;
const AFTER = 2;
const NEXT = 3;
const DONE = 4;

/**
 * A top-level array of objects read without the tokenizer: each record's bytes are found by
 * counting brackets outside strings and given to JSON.parse whole, several times faster than the
 * streaming tokenizer and its garbage. It reads only what it is sure of: a record that is an
 * object JSON.parse takes, valid UTF-8, within the limits, between `[`, `,` and `]` and JSON's
 * white space. At anything else (bad JSON, a record that is no object, a truncated file, trailing
 * bytes) it stops, and the tokenizer reads on from the end of the last record it gave
 * (TokenizedReader, resumed), so errors and their lines are the tokenizer's.
 */
export class ArrayScanner {
  private at = START;
  /** bytes of the file before the current chunk */
  private pos = 0;
  /** inside a record: its depth (0: between records), whether in a string, after a backslash */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** the record being read: its file offset and its bytes in earlier chunks */
  private recordStart = 0;
  private parts: Uint8Array[] = [];
  /** the file offset after the last record given (where the tokenizer resumes) and the bytes since */
  private resumeAt = 0;
  private kept: Uint8Array[] = [];
  private given = false;
  /** whether a record given had a key (the tokenizer's state then says so: resumeBytes) */
  private valued = false;
  out: RawRecord[] = [];

  constructor(private readonly lines: LineCounter) {}

  /**
   * Reads a chunk; false when it stopped (the bytes from resumeAt on are then in resumeBytes(),
   * for the tokenizer).
   */
  write(b: Uint8Array): boolean {
    const n = b.length;
    let i = 0;
    // the part of b from `from` on is kept until a record ends (the tokenizer may need it)
    let from = 0;
    // (the state in locals while the chunk is read; saved at the end, or the tokenizer takes over)
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    // the next quote and backslash at or after i in b, found natively (-1: none; -2: not looked for)
    let quote = -2;
    let slash = -2;
    while (i < n) {
      if (depth === 0) {
        const c = b[i]!;
        if (isJsonSpace(c)) {
          i++;
          continue;
        }
        if (this.at === START && c === 0x5b /* [ */) this.at = FIRST;
        else if ((this.at === FIRST || this.at === AFTER) && c === 0x5d /* ] */) this.at = DONE;
        else if (this.at === AFTER && c === 0x2c /* , */) this.at = NEXT;
        else if ((this.at === FIRST || this.at === NEXT) && c === 0x7b /* { */) {
          depth = 1;
          this.recordStart = this.pos + i;
          this.parts = [];
        } else return this.stop(b, from);
        i++;
        continue;
      }
      if (inString) {
        // to the string's closing quote: the next quote that no backslash escapes
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        if (quote < i && quote !== -1) quote = b.indexOf(0x22, i);
        if (slash < i && slash !== -1) slash = b.indexOf(0x5c, i);
        if (slash >= 0 && (quote < 0 || slash < quote)) {
          i = slash + 1;
          escaped = true;
        } else if (quote < 0) i = n;
        else {
          i = quote + 1;
          inString = false;
        }
        continue;
      }
      // inside a record, outside strings: brackets counted
      const c = b[i]!;
      i++;
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) {
        if (++depth > LIMITS.depth) return this.stop(b, from);
      } else if ((c === 0x7d || c === 0x5d) && --depth === 0) {
        const end = this.pos + i;
        if (!this.record(b, i, end)) return this.stop(b, from);
        this.at = AFTER;
        // what came before this record's end is not needed again
        this.given = true;
        this.resumeAt = end;
        this.kept = [];
        from = i;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    // the rest of b: part of a record being read, or what the tokenizer would resume with
    const read = this.pos + n;
    if (depth > 0) {
      this.parts.push(b.subarray(Math.max(from, this.recordStart - this.pos)));
      if (read - this.recordStart > LIMITS.jsonlLineBytes) return this.stop(b, from);
    }
    const rest = b.subarray(from);
    if (rest.length) this.kept.push(rest);
    this.pos = read;
    // white space without end between records: left to the tokenizer, which streams it
    return read - this.resumeAt <= LIMITS.jsonlLineBytes + (1 << 20);
  }

  /** the end of the file: false unless the array was closed */
  end(): boolean {
    return this.at === DONE && this.depth === 0;
  }

  /**
   * the bytes from resumeAt on, and what the tokenizer is to read first when records were given: a
   * record like theirs (the tokenizer names a state in its errors that tells whether it has read a
   * string or number yet)
   */
  resumeBytes(): { at: number; bytes: Uint8Array[]; prefix: string } {
    return { at: this.resumeAt, bytes: this.kept, prefix: this.given ? (this.valued ? '[{"":0}' : '[{}') : '' };
  }

  /** stops in chunk b, whose bytes from `from` on the tokenizer reads (with those kept before) */
  private stop(b: Uint8Array, from: number): false {
    const rest = b.subarray(from);
    if (rest.length) this.kept.push(rest);
    return false;
  }

  /** the record ending at b[i - 1] (file offset end): parsed, or false to leave it to the tokenizer */
  private record(b: Uint8Array, i: number, end: number): boolean {
    const length = end - this.recordStart;
    if (length > LIMITS.jsonlLineBytes) return false;
    let bytes: Uint8Array;
    if (this.parts.length) {
      this.parts.push(b.subarray(0, i));
      bytes = Buffer.concat(this.parts, length);
      this.parts = [];
    } else bytes = b.subarray(i - length, i);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    // bytes that are not UTF-8: the tokenizer decodes them its own way
    if (text.includes('\ufffd')) return false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    this.out.push({ line: this.lines.at(this.recordStart), fields: value as Record<string, unknown> });
    this.valued ||= Object.keys(value as object).length > 0;
    return true;
  }
}

/** Records of a JSON document at `path` (see documentPath), in batches, with the line each starts on. */
export async function* jsonDocumentRecords(
  stream: AsyncIterable<Buffer>,
  path: string,
  shownAs: string,
  /** a top-level array read by ArrayScanner (false: by the tokenizer alone, as the tests compare) */
  scanned = path === '$.*',
): AsyncGenerator<RawRecord[]> {
  const lines = new LineCounter();
  const chunks = stream[Symbol.asyncIterator]();
  let first = true;
  const next = async (): Promise<Buffer | undefined> => {
    const n = await chunks.next();
    if (n.done) return undefined;
    let chunk = n.value;
    if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    first = false;
    lines.push(chunk);
    return chunk;
  };
  let reader: TokenizedReader;
  if (scanned && path === '$.*') {
    // a top-level array: the scanner, until it meets what it leaves to the tokenizer
    const scan = new ArrayScanner(lines);
    let stopped = false;
    for (let chunk = await next(); chunk; chunk = await next()) {
      stopped = !scan.write(chunk);
      if (scan.out.length >= RECORD_BATCH || (stopped && scan.out.length)) {
        yield scan.out;
        scan.out = [];
      }
      if (stopped) break;
    }
    if (!stopped) {
      if (scan.out.length) yield scan.out;
      scan.out = [];
      if (scan.end()) return;
    }
    const { at, bytes, prefix } = scan.resumeBytes();
    reader = new TokenizedReader(path, shownAs, lines, at - prefix.length, prefix !== '');
    if (prefix) reader.write(prefix);
    for (const b of bytes) {
      reader.write(b);
      yield* reader.take();
    }
  } else reader = new TokenizedReader(path, shownAs, lines);
  for (let chunk = await next(); chunk; chunk = await next()) {
    reader.write(chunk);
    yield* reader.take();
  }
  yield* reader.end();
}
