// Bytes in, records out: a file, a directory of JSONL files, or stdin, gunzipped when it is gzip
// (by extension or magic bytes), sniffed as CSV, JSONL, a JSON document or Parquet, then parsed one
// record at a time with its 1-based line (Parquet: row) number. Nothing is held in memory beyond
// the parser's buffers (Parquet: one row group).
import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CsvError, parse } from 'csv-parse';
import { LIMITS } from '../../config/input-limits.js';
import { userError } from '../../diagnostics.js';
import { csvQuote } from '../../shared/csv.js';
import { ChunkPool, fileChunks, type HeldFile } from './chunks.js';
import { jsonlRecords, looksLikeJsonl, RECORD_BATCH, WRAPPER_KEYS } from './json.js';
import { quoteFreeCsvOpen, quoteFreeHeader } from './quotefree.js';
import { type LineSampler, sampledJsonSkip, sampledSkip } from './sampled.js';

export type LogFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

export interface RawRecord {
  line: number;
  /** the file inside a directory log that holds the record (shown relative to the directory's parent) */
  file?: string;
  /** CSV: the row's values are values[offset] .. values[offset + count - 1], in header order (no per-row object is built: see row.ts pick) */
  values?: string[];
  offset?: number;
  count?: number;
  /** JSON and Parquet: the parsed object */
  fields?: Record<string, unknown>;
  /** the record could not be parsed at all (bad JSON, wrong field count) */
  error?: { kind: string; detail: string };
  /** the source text, for --rejects (CSV rows rebuild it from `values` when asked: rawText) */
  raw?: string;
}

/** The source text of a record, for --rejects. */
export function rawText(rec: RawRecord): string {
  if (rec.raw !== undefined) return rec.raw;
  if (rec.fields) return JSON.stringify(rec.fields, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  if (!rec.values) return '';
  const off = rec.offset ?? 0;
  return csvLine(rec.values.slice(off, off + (rec.count ?? rec.values.length - off)));
}

export interface OpenedLog {
  format: LogFormat;
  gzip: boolean;
  /** CSV header (after BOM removal); undefined for the other formats */
  header?: string[];
  /** a directory of transcripts: how many files it holds */
  files?: number;
  /** records in batches (one await per batch, not per row: the per-row async hop was a third of replay's time) */
  records: AsyncGenerator<RawRecord[]>;
  /** bytes of the file read so far (before decompression) and its size; for progress only */
  position: { read: number; total: number | null };
  /** release what reads the log (a worker thread) when the reader stops, at the end or early */
  close?: () => Promise<void>;
}

/**
 * A byte range of a CSV file that starts at a record (table/read.ts finds such starts): the file's
 * header line, then bytes [start, end). Line numbers continue from firstLine (the range's first line).
 */
export interface LogRange {
  start: number;
  end: number;
  /** the header line's bytes as the file writes them (with its line ending); empty for the range that starts the file */
  head: Uint8Array;
  firstLine: number;
  /** a range of a JSON Lines file (whose first line is an object): read as JSON Lines whatever its first line holds */
  jsonl?: boolean;
  /** a range of a Parquet file: its row groups [from, to) (start and end are 0) */
  groups?: { from: number; to: number };
}

async function* rangeChunks(file: string, r: LogRange, pool: ChunkPool, held: HeldFile): AsyncGenerator<Buffer> {
  if (r.head.length) yield Buffer.from(r.head);
  if (r.end > r.start) yield* fileChunks(file, pool, r.start, r.end, held);
}

/** Peek the first chunk of a stream without losing it. */
async function peek(stream: AsyncIterable<Buffer>): Promise<{ first: Buffer; rest: AsyncIterable<Buffer> }> {
  const it = stream[Symbol.asyncIterator]();
  const r = await it.next();
  const first = r.done ? Buffer.alloc(0) : Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string);
  const rest = {
    async *[Symbol.asyncIterator]() {
      if (r.done) return;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield Buffer.isBuffer(n.value) ? n.value : Buffer.from(n.value as string);
      }
    },
  };
  return { first, rest };
}

function withFirst(first: Buffer, rest: AsyncIterable<Buffer>): Readable {
  return Readable.from(
    (async function* () {
      if (first.length) yield first;
      yield* rest;
    })(),
    { objectMode: false },
  );
}

/** A log opened for reading; its `close` closes the file read (a read that ends early calls it: see HeldFile). */
export async function openLog(
  file: string,
  shownAs: string,
  stdin?: NodeJS.ReadableStream,
  /** a key-consistent sample: unsampled CSV lines are skipped unparsed (sampled.ts) */
  sampler?: LineSampler,
  /** only a range of the file: a CSV's or JSON Lines' bytes, a Parquet file's row groups (one part of a parallel read: table/read.ts) */
  range?: LogRange,
): Promise<OpenedLog> {
  const held: HeldFile = {};
  const log = await openFrom(file, shownAs, held, stdin, sampler, range);
  return log.close ? log : { ...log, close: async () => held.fh?.close() };
}

async function openFrom(
  file: string,
  shownAs: string,
  held: HeldFile,
  stdin?: NodeJS.ReadableStream,
  sampler?: LineSampler,
  range?: LogRange,
): Promise<OpenedLog> {
  let input: AsyncIterable<Buffer>;
  /** a file's chunks, which the quote-free CSV reader hands back to be read into again (chunks.ts; a gzip file's go to gunzip, and what the reader hands back, gunzip's, the pool ignores) */
  let pool: ChunkPool | undefined;
  if (file === '-') {
    if (!stdin)
      throw userError('LOG_FORMAT', 'no standard input to read the log from', {
        where: shownAs,
        hint: 'pipe a log in (cat log.csv | llmcost replay -) or pass a file path',
      });
    input = stdin as AsyncIterable<Buffer>;
  } else {
    let isDir = false;
    try {
      const st = statSync(file);
      isDir = st.isDirectory();
      if (!isDir && !st.isFile())
        throw userError('FILE_READ', `${shownAs} is not a file`, {
          where: shownAs,
          hint: 'pass a CSV, JSONL, JSON or Parquet log file (optionally .gz), or a directory of JSONL transcripts',
        });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw userError('FILE_NOT_FOUND', `log file ${shownAs} does not exist`, {
          where: shownAs,
          hint: 'check the path (relative paths are from the current directory)',
        });
      throw e;
    }
    if (isDir) return openDirectory(file, shownAs);
    if (/\.parquet$/i.test(file) || isParquet(file)) {
      // Parquet's reader and codecs (~50 modules) are loaded only for a Parquet log
      const { openParquet } = await import('./parquet.js');
      const pq = await openParquet(file, shownAs, range?.groups, sampler);
      const size = statSync(file).size;
      return { format: 'parquet', gzip: false, records: pq.records, position: { read: size, total: size } };
    }
    pool = new ChunkPool();
    input = range ? rangeChunks(file, range, pool, held) : fileChunks(file, pool, 0, undefined, held);
  }
  const position = {
    read: 0,
    total: file === '-' ? null : range ? range.end - range.start : statSync(file).size,
  };
  const raw = await peek(countBytes(input, position));
  const gzip = /\.gz$/i.test(file) || (raw.first.length >= 2 && raw.first[0] === 0x1f && raw.first[1] === 0x8b);
  let bytes: AsyncIterable<Buffer> = withFirst(raw.first, raw.rest);
  if (gzip) {
    const gunzip = createGunzip();
    const src = bytes as Readable;
    src.on('error', (e) => gunzip.destroy(e));
    bytes = src.pipe(gunzip);
    bytes = guardGzip(bytes, shownAs);
  }
  const text = await peek(bytes);
  let head = text.first.toString('utf8');
  if (head.charCodeAt(0) === 0xfeff) head = head.slice(1);
  const firstChar = head.trimStart()[0];
  if (text.first.length === 0)
    throw userError('LOG_FORMAT', `log ${shownAs} is empty`, {
      where: shownAs,
      hint: 'pass a CSV with a header row, JSONL with one JSON object per line, or a JSON array of objects',
    });
  if (head.startsWith('PAR1'))
    throw userError('LOG_FORMAT', `${shownAs} is Parquet, which is read from a file (its index is at the end)`, {
      where: shownAs,
      hint: 'pass the Parquet file by path (not on standard input, not gzipped)',
    });
  const byExt = /\.(jsonl|ndjson|json)(\.gz)?$/i.test(file)
    ? 'json'
    : /\.(csv|tsv)(\.gz)?$/i.test(file)
      ? 'csv'
      : undefined;
  const stream = withFirst(text.first, text.rest);
  // a sample's JSON Lines: lines outside it left unparsed (sampled.ts)
  const jsonSkip = sampler && sampledJsonSkip(sampler, WRAPPER_KEYS, LIMITS.depth - 1);
  // a byte range of JSON Lines (cut where the whole file reads as JSON Lines): its lines, numbered as the file's
  if (range?.jsonl)
    return { format: 'jsonl', gzip, records: jsonlRecords(stream, range.firstLine, jsonSkip), position };
  // JSON by extension or by a first character of { or [; then JSONL when the first line is a whole object
  if (byExt === 'json' || (byExt === undefined && (firstChar === '{' || firstChar === '['))) {
    if (firstChar === '{' && looksLikeJsonl(head))
      return { format: 'jsonl', gzip, records: jsonlRecords(stream, 1, jsonSkip), position };
    if (firstChar === '{' || firstChar === '[') {
      // the streaming tokenizer is loaded only for a JSON document
      const { documentPath, jsonDocumentRecords } = await import('./json-document.js');
      return { format: 'json', gzip, records: jsonDocumentRecords(stream, documentPath(head), shownAs), position };
    }
    return { format: 'jsonl', gzip, records: jsonlRecords(stream, 1, jsonSkip), position };
  }
  // Tab-separated: by extension, or a first line with tabs and no commas.
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  const tab = /\.tsv(\.gz)?$/i.test(file) || (firstLine.includes('\t') && !firstLine.includes(','));
  const delimiter = tab ? '\t' : ',';
  // a range that starts the file holds the header on its first line; a later one borrows it as the line before
  const headerLine = range ? (range.head.length ? range.firstLine - 1 : range.firstLine) : 1;
  // quote-free records split directly, csv-parse from the first quote on (quotefree.ts)
  if (quoteFreeHeader(head, text.first))
    return {
      ...(await quoteFreeCsvOpen(
        stream,
        shownAs,
        gzip,
        delimiter,
        headerLine,
        sampler && sampledSkip(sampler, delimiter),
        pool,
      )),
      position,
    };
  return { ...(await csvOpen(stream, shownAs, gzip, delimiter, headerLine)), position };
}

/** Parquet files start (and end) with the bytes PAR1. */
function isParquet(file: string): boolean {
  try {
    const fd = openSync(file, 'r');
    try {
      const b = Buffer.alloc(4);
      return readSync(fd, b, 0, 4, 0) === 4 && b.toString('latin1') === 'PAR1';
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Every *.jsonl file under `dir` (Claude Code keeps one transcript per session), in path order. */
function transcriptFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.jsonl$/i.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** A directory log: its JSONL files one after another, each record naming its file. */
function openDirectory(dir: string, shownAs: string): OpenedLog {
  const files = transcriptFiles(dir);
  if (!files.length)
    throw userError('LOG_FORMAT', `directory ${shownAs} holds no .jsonl file`, {
      where: shownAs,
      hint: 'pass a log file, or a directory of JSONL transcripts (e.g. ~/.claude/projects/<project>)',
    });
  const total = files.reduce((s, f) => s + statSync(f).size, 0);
  const position = { read: 0, total };
  async function* records(): AsyncGenerator<RawRecord[]> {
    for (const f of files) {
      const shown = join(shownAs, relative(dir, f));
      const size = statSync(f).size;
      for await (const batch of jsonlRecords(Readable.from(createReadStream(f)))) {
        for (const r of batch) r.file = shown;
        yield batch;
      }
      position.read += size;
    }
  }
  return { format: 'jsonl', gzip: false, records: records(), position, files: files.length };
}

async function* countBytes(src: AsyncIterable<Buffer>, position: { read: number }): AsyncGenerator<Buffer> {
  for await (const chunk of src) {
    position.read += chunk.length;
    yield chunk;
  }
}

/** Turn zlib's errors (truncated or corrupt data) into a located user error. */
async function* guardGzip(src: AsyncIterable<Buffer>, shownAs: string): AsyncGenerator<Buffer> {
  try {
    for await (const c of src) yield c;
  } catch (e) {
    const msg = (e as Error).message;
    throw userError(
      'LOG_FORMAT',
      `gzip data in ${shownAs} is ${/unexpected end/i.test(msg) ? 'truncated' : 'corrupt'} (${msg})`,
      {
        where: shownAs,
        hint: 'the file was cut short or is not gzip: re-export or re-download it; `gzip -t FILE` checks it',
      },
    );
  }
}

/** The record's fields as one CSV line again (the source text of a rejected row). */
export function csvLine(fields: string[]): string {
  return fields.map((f) => csvQuote(f)).join(',');
}

/** newlines inside a record's fields (quoted line breaks): the record spans that many extra lines */
function innerNewlines(record: string[]): number {
  let n = 0;
  for (const f of record) for (let i = f.indexOf('\n'); i !== -1; i = f.indexOf('\n', i + 1)) n++;
  return n;
}

/** What quietFieldCounts reaches inside a csv-parse 7 parser (not part of its documented API). */
interface ParserInternals {
  api?: {
    state?: { record?: unknown[]; expectedRecordLength?: number };
    __onRecord?: (this: unknown, push: unknown) => unknown;
  };
}

/**
 * csv-parse (7.0.3) builds a CsvError for every record whose field count differs from the first
 * record's, even with relax_column_count, which only decides whether it is thrown: a captured
 * stack plus JSON deep copies of its context, ~60 us per record. A blank line is such a record
 * (one empty field), so a log padded with 1M newlines took ~450x a normal CSV's time. This reader
 * checks field counts itself (records() below), so the parser's expectation is set to each
 * record's own length before csv-parse compares them: no error is built, nothing else changes.
 * Returns false (and leaves the parser alone) when the internals are not there: still correct,
 * only slow on blank lines; a unit test turns red so an upgrade of csv-parse is noticed.
 */
export function quietFieldCounts(parser: unknown): boolean {
  const api = (parser as ParserInternals).api;
  const onRecord = api?.__onRecord;
  const state = api?.state;
  if (!api || typeof onRecord !== 'function' || !state || !Array.isArray(state.record)) return false;
  api.__onRecord = function (push: unknown): unknown {
    state.expectedRecordLength = state.record!.length;
    return onRecord.call(this, push);
  };
  return true;
}

/**
 * CSV rows via csv-parse, streaming, counting lines from `startLine` (the line the stream starts
 * at). Line numbers are counted here, not by csv-parse (its counter counts a CRLF inside a quoted
 * field as two lines, and its `info` option costs ~15% of the time): blank lines come through as
 * a single empty field, so every physical line is accounted for.
 */
export function csvRows(
  stream: Readable,
  shownAs: string,
  delimiter: string,
  startLine: number,
  /**
   * a stream that starts mid-file, at a record: the file's record delimiter (else detected from the
   * first line ending), and csv-parse's own line count there (its messages name lines: a CRLF record
   * end counts once, every other CR or LF once, from 1); no byte order mark is looked for
   */
  midFile?: { recordDelimiter: string; parserLine: number },
): { nextRows: () => Promise<string[][] | null>; line: { next: number } } {
  const parser = parse({
    bom: !midFile,
    delimiter,
    skip_empty_lines: false,
    relax_column_count: true,
    ...(midFile ? { record_delimiter: midFile.recordDelimiter } : {}),
  });
  if (midFile) (parser.info as { lines: number }).lines = midFile.parserLine;
  quietFieldCounts(parser);
  stream.on('error', (e) => parser.destroy(e));
  stream.pipe(parser);
  // Pull records synchronously with read() and wait for 'readable' only when the parser is dry:
  // one await per batch of rows instead of one per row.
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const rouse = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  parser.on('readable', rouse);
  parser.on('end', () => {
    ended = true;
    rouse();
  });
  parser.on('error', (e) => {
    failure = e;
    rouse();
  });
  const line = { next: startLine };
  const fail = (e: unknown): never => {
    const err = e as { code?: string; message?: string; lines?: number; diagnostics?: unknown };
    if (err.diagnostics) throw e; // already a UserError (gzip)
    // csv-parse 7 codes have no CSV_ prefix (INVALID_OPENING_QUOTE on binary garbage): recognise its error class.
    if (e instanceof CsvError || (typeof err.code === 'string' && err.code.startsWith('CSV_'))) {
      // the message ends with the offending value, which may be kilobytes of binary: cut it
      const msg = (err.message ?? '').replace(/,? value is [\s\S]*$/, '').slice(0, 300);
      throw userError('LOG_FORMAT', `CSV cannot be parsed: ${msg}`, {
        where: `${shownAs}:${line.next}`,
        hint: 'check the quoting at or after that line (a field with commas or newlines must be in double quotes, inner quotes doubled)',
      });
    }
    throw e;
  };
  /** the next rows the parser has (up to RECORD_BATCH), waiting only when it has none; null at the end */
  const nextRows = async (): Promise<string[][] | null> => {
    for (;;) {
      const rows: string[][] = [];
      let r: string[] | null;
      while (rows.length < RECORD_BATCH && (r = parser.read() as string[] | null) !== null) rows.push(r);
      // rows parsed before an error are still returned; the error surfaces on the next call
      if (rows.length) return rows;
      if (failure !== undefined) fail(failure);
      if (ended) return null;
      await new Promise<void>((res) => {
        wake = res;
      });
    }
  };
  return { nextRows, line };
}

const blank = (r: string[]): boolean => r.length === 1 && r[0]!.trim() === '';

/** Parsed rows -> records (blank lines skipped, wrong field counts as errors), advancing the line counter. */
export function rowRecords(rows: string[][], cols: string[], line: { next: number }): RawRecord[] {
  const out: RawRecord[] = [];
  for (const record of rows) {
    const at = line.next;
    line.next += 1 + innerNewlines(record);
    if (blank(record)) continue;
    if (record.length !== cols.length) {
      out.push({
        line: at,
        raw: csvLine(record),
        error: { kind: 'wrong field count', detail: `${record.length} fields, the header has ${cols.length}` },
      });
      continue;
    }
    out.push({ line: at, values: record, offset: 0, count: record.length });
  }
  return out;
}

/**
 * CSV via csv-parse, streaming: the header, then the records with their line numbers (a log the
 * quote-free reader does not take; the reference it is tested against).
 */
export async function csvOpen(
  stream: Readable,
  shownAs: string,
  gzip: boolean,
  delimiter: string,
  /** the header's line number (a range of a file counts its borrowed header as the line before its first) */
  headerLine = 1,
): Promise<Omit<OpenedLog, 'position'>> {
  const { nextRows, line } = csvRows(stream, shownAs, delimiter, headerLine);
  let header: string[] | undefined;
  let pending: string[][] = [];
  let at = 0;
  while (!header) {
    if (at >= pending.length) {
      const rows = await nextRows();
      if (!rows)
        throw userError('LOG_FORMAT', `log ${shownAs} has no header row`, {
          where: shownAs,
          hint: 'the first line of a CSV log names its columns, e.g. timestamp,model,input_tokens,output_tokens',
        });
      pending = rows;
      at = 0;
    }
    const row = pending[at++]!;
    line.next += 1 + innerNewlines(row);
    if (blank(row)) continue;
    header = row.map((h) => h.trim());
  }
  const cols = header;
  const first = pending.slice(at);
  async function* records(): AsyncGenerator<RawRecord[]> {
    let rows: string[][] | null = first;
    while (rows) {
      const out = rowRecords(rows, cols, line);
      if (out.length) yield out;
      rows = await nextRows();
    }
  }
  return { format: 'csv', gzip, header: cols, records: records() };
}
