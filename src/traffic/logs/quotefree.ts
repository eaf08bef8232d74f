// CSV records read without a parser where RFC 4180 allows it. A record with no double quote is
// exactly its text split at the delimiter (only a quoted field can hold a delimiter, a quote or a
// line break), which is what csv-parse gives for it. So a log is read by finding record ends in the
// byte chunks (Buffer.indexOf is native) and splitting each quote-free record's text; from the
// first record that holds a quote on, the rest of the file goes through csv-parse (csvRows), the
// authority on quoting and on its errors, started where this reader stopped: its own line counter
// set as if it had read the file from the start, so its messages name the same lines. Records end
// where csv-parse ends them: at the header's line ending (LF, or CRLF, and then a bare LF is inside a
// field). openLog reads a CSV this way only when its header fixes that ending (quoteFreeHeader);
// CR-only endings, a quote or blank line first, or a UTF-16 BOM send the whole file to csv-parse.
// Rows, line numbers and errors are csv-parse's (test/unit/logs-quotefree.test.ts compares them);
// a bare pass over the 1M-row bench log takes a third of csv-parse's CPU time (bench: csv vs csv-fast).
// A sampled read (sampled.ts) passes `skip` to leave lines outside the sample undecoded. Chunks
// from a file are handed back to its pool to be read into again (chunks.ts).
import { Readable } from 'node:stream';
import type { ChunkPool } from './chunks.js';
import { RECORD_BATCH } from './json.js';
import { csvLine, csvRows, type OpenedLog, type RawRecord, rowRecords } from './source.js';

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Whether a CSV log whose first chunk is `first` (decoded: `head`, BOM removed) can be read by quoteFreeCsvOpen. */
export function quoteFreeHeader(head: string, first?: Uint8Array): boolean {
  // a UTF-16 byte order mark: csv-parse decodes the file as UTF-16
  if (first && first[0] === 0xff && first[1] === 0xfe) return false;
  const nl = head.indexOf('\n');
  if (nl < 0) return false;
  const line = head.slice(0, nl);
  const cr = line.indexOf('\r');
  return !line.includes('"') && (cr < 0 || cr === line.length - 1) && line.trim() !== '';
}

/** Whether to leave the record b[from, to) out unparsed (it is neither blank nor quoted); a sample counts what it drops. */
export type LineSkip = (b: Buffer, from: number, to: number) => boolean;

/** A CSV log read by splitting quote-free records (the header passed quoteFreeHeader). */
export async function quoteFreeCsvOpen(
  chunks: AsyncIterable<Buffer>,
  shownAs: string,
  gzip: boolean,
  delimiter: string,
  /** the header's line number (a range of a file counts its borrowed header as the line before its first) */
  headerLine: number,
  skip?: LineSkip,
  /** where the chunks came from: each is released once no record of it is left to read (what is kept is copied out) */
  pool?: ChunkPool,
): Promise<Omit<OpenedLog, 'position'>> {
  const it = chunks[Symbol.asyncIterator]();
  const nextChunk = async (): Promise<Buffer | undefined> => {
    const n = await it.next();
    return n.done ? undefined : (n.value as Buffer);
  };
  // the header line (quoteFreeHeader: quote-free, ending in LF or CRLF)
  let first: Buffer = Buffer.alloc(0);
  for (let c: Buffer | undefined; first.indexOf(NL) < 0 && (c = await nextChunk()); )
    first = first.length ? Buffer.concat([first, c]) : c;
  const nl = first.indexOf(NL);
  const crlf = nl > 0 && first[nl - 1] === CR;
  let text = first.toString('utf8', 0, crlf ? nl - 1 : nl);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const header = text.split(delimiter).map((h) => h.trim());
  const width = header.length;
  const delim = delimiter.charCodeAt(0);

  async function* records(): AsyncGenerator<RawRecord[]> {
    let out: RawRecord[] = [];
    let line = headerLine + 1;
    /** carriage returns read that csv-parse counts as lines of their own (every CR but a CRLF record end) */
    let loneCR = 0;

    /** the record b[from, to) spanning `lines` lines (blank ones skipped, wrong field counts as errors) */
    const emit = (b: Buffer, from: number, to: number, lines: number): void => {
      const at = line;
      line += lines;
      if (blank(b, from, to, delim) || skip?.(b, from, to)) return;
      const values = b.toString('utf8', from, to).split(delimiter);
      if (values.length !== width) {
        out.push({
          line: at,
          raw: csvLine(values),
          error: { kind: 'wrong field count', detail: `${values.length} fields, the header has ${width}` },
        });
        return;
      }
      out.push({ line: at, values, offset: 0, count: width });
    };
    /**
     * takes the complete quote-free records of b from `from` on, up to a batch; returns where the
     * rest (an unfinished record, one with a quote, or the next batch) starts
     */
    const take = (b: Buffer, from: number): number => {
      const quote = b.indexOf(QUOTE, from);
      let at = from;
      let ends = 0;
      // batches, not chunks: records that die young are cheap to collect
      while (out.length < RECORD_BATCH) {
        let end = b.indexOf(NL, at);
        let lines = 1;
        // a CRLF record ends at an LF after a CR; a bare LF is inside a field
        if (crlf)
          while (end >= 0 && (end === at || b[end - 1] !== CR)) {
            end = b.indexOf(NL, end + 1);
            lines++;
          }
        if (end < 0 || (quote >= 0 && quote < end)) break;
        emit(b, at, crlf ? end - 1 : end, lines);
        at = end + 1;
        ends++;
      }
      for (let i = b.indexOf(CR, from); i >= 0 && i < at; i = b.indexOf(CR, i + 1)) loneCR++;
      if (crlf) loneCR -= ends;
      return at;
    };

    // first[nl + 1 ..] is the unread part of the first chunks; later chunks are taken whole, and only
    // a record that straddles chunks is copied (joined)
    let pending: Buffer[] = [];
    let b: Buffer | undefined = first;
    let from = nl + 1;
    let rest: Buffer[] | undefined;
    while (b) {
      if (pending.length) {
        // the unfinished record ends at the first record end of b (it holds no quote: see below)
        const last = pending[pending.length - 1]!;
        let end = b.indexOf(NL);
        if (crlf)
          while (end >= 0 && (end > 0 ? b[end - 1] !== CR : last[last.length - 1] !== CR)) end = b.indexOf(NL, end + 1);
        if (end < 0) {
          pending.push(b);
          if (b.indexOf(QUOTE) >= 0) {
            rest = pending;
            break;
          }
          b = await nextChunk();
          continue;
        }
        const whole = Buffer.concat([...pending, b.subarray(0, end + 1)]);
        if (pool) for (const p of pending) pool.release(p);
        pending = [];
        const at = take(whole, 0);
        from = end + 1;
        if (at < whole.length) {
          rest = [whole.subarray(at), b.subarray(from)];
          break;
        }
      }
      const at = take(b, from);
      if (out.length >= RECORD_BATCH) {
        yield out;
        out = [];
        from = at;
        continue;
      }
      if (b.indexOf(QUOTE, at) >= 0) {
        rest = [b.subarray(at)];
        break;
      }
      if (at < b.length) pending = [b.subarray(at)];
      else pool?.release(b);
      b = await nextChunk();
      from = 0;
    }
    if (!rest) {
      // the last record, without a line ending
      if (pending.length) {
        const whole = Buffer.concat(pending);
        emit(whole, 0, whole.length, 1);
      }
      if (out.length) yield out;
      return;
    }
    if (out.length) yield out;
    // csv-parse from this record on, counting lines as if it had read the file from its start
    const head = rest;
    const stream = Readable.from(
      (async function* () {
        for (const h of head) if (h.length) yield h;
        for (let c = await nextChunk(); c; c = await nextChunk()) yield c;
      })(),
      { objectMode: false },
    );
    const { nextRows, line: counter } = csvRows(stream, shownAs, delimiter, line, {
      recordDelimiter: crlf ? '\r\n' : '\n',
      parserLine: 1 + (line - headerLine) + loneCR,
    });
    for (let rows = await nextRows(); rows; rows = await nextRows()) {
      const recs = rowRecords(rows, header, counter);
      if (recs.length) yield recs;
    }
  }
  return { format: 'csv', gzip, header, records: records() };
}

/**
 * Whether the quote-free record b[from, to) is what the reader skips as blank: a single field
 * (no delimiter) that trims to '' (String.prototype.trim: ASCII 9-13 and 32, and Unicode spaces).
 */
function blank(b: Buffer, from: number, to: number, delim: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c === delim) return false;
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    if (c < 0x80) return false;
    const s = b.toString('utf8', i, to);
    return !s.includes(String.fromCharCode(delim)) && s.trim() === '';
  }
  return true;
}
