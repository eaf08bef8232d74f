// A CSV log read for a key-consistent sample (traffic/sample.ts): lines whose sample unit is not
// kept are counted and left unparsed, so a 1% sample reads ~1% of the rows. Only lines without a
// double quote are decided before parsing: by RFC 4180 such a line is its fields split at the
// delimiter (only a quoted field can hold a delimiter, a quote or a line break), which is what
// csv-parse gives for it. From the first chunk that holds a quote on, the rest of the file goes
// through csv-parse like any log, and the reader's own filter (on the parsed requests) keeps the
// same units. Records end where csv-parse ends them: at the header's line ending (LF, or CRLF, and
// then a bare LF is inside a field). openLog takes this path only for a quote-free header ending
// in LF or CRLF (sampledHeaderOk).
import { Readable } from 'node:stream';
import { RECORD_BATCH } from './json.js';
import { csvLine, csvRows, type OpenedLog, type RawRecord, rowRecords } from './source.js';

/** What the sampled reader is told by the log reader once the preset is known. */
export interface LineSampler {
  /**
   * header indices of the unit column's candidate fields, then of request_id's (the unit's
   * fallback); until set (the first records, read to detect the preset) every line is parsed
   */
  columns?: { unit: number[]; id: number[] };
  /** whether the unit key buf[from, to) (UTF-8, trimmed) is in the sample */
  keep(buf: Buffer, from: number, to: number): boolean;
  /** lines left out unparsed */
  dropped: number;
}

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Whether a CSV log starting with `head` (decoded text) can be read by sampledCsvOpen. */
export function sampledHeaderOk(head: string): boolean {
  const nl = head.indexOf('\n');
  if (nl < 0) return false;
  const first = head.slice(0, nl);
  const cr = first.indexOf('\r');
  return !first.includes('"') && (cr < 0 || cr === first.length - 1) && first.trim() !== '';
}

/** A CSV log whose unsampled lines are skipped unparsed (the header passed sampledHeaderOk). */
export async function sampledCsvOpen(
  chunks: AsyncIterable<Buffer>,
  shownAs: string,
  gzip: boolean,
  delimiter: string,
  sampler: LineSampler,
): Promise<Omit<OpenedLog, 'position'>> {
  const it = chunks[Symbol.asyncIterator]();
  let buf: Buffer = Buffer.alloc(0);
  let done = false;
  /** the next chunk appended to buf (for the header only) */
  const more = async (): Promise<boolean> => {
    if (done) return false;
    const n = await it.next();
    if (n.done) {
      done = true;
      return false;
    }
    buf = buf.length ? Buffer.concat([buf, n.value]) : n.value;
    return true;
  };
  const nextChunk = async (): Promise<Buffer | undefined> => {
    if (done) return undefined;
    const n = await it.next();
    if (n.done) {
      done = true;
      return undefined;
    }
    return n.value as Buffer;
  };
  // the header line (sampledHeaderOk: quote-free, ending in LF or CRLF, within the first chunk)
  while (buf.indexOf(NL) < 0 && (await more()));
  const nl = buf.indexOf(NL);
  const crlf = nl > 0 && buf[nl - 1] === CR;
  let text = buf.toString('utf8', 0, crlf ? nl - 1 : nl);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const header = text.split(delimiter).map((h) => h.trim());
  const delim = delimiter.charCodeAt(0);
  /** a record ends at the header's line ending: CRLF, or LF */
  const eol = crlf ? '\r\n' : '\n';
  const eolLength = eol.length;
  const pos = nl + 1;
  let line = 2;
  const width = header.length;

  // the key found by keyIn: buf[ka, kb) (a byte loop, no allocation per line: this runs on every line)
  let ka = 0;
  let kb = 0;
  /** finds field k of the line [from, to), trimmed, in ka/kb; false when the line has no such field or it is blank */
  const fieldIn = (from: number, to: number, k: number): boolean => {
    let i = from;
    for (let f = 0; f < k; f++) {
      while (i < to && buf[i] !== delim) i++;
      if (i >= to) return false;
      i++;
    }
    let j = i;
    while (j < to && buf[j] !== delim) j++;
    while (i < j && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
    while (j > i && (buf[j - 1] === 0x20 || buf[j - 1] === 0x09)) j--;
    ka = i;
    kb = j;
    return j > i;
  };
  /** the unit key of the line, else its request id (in ka/kb); false when both are empty */
  const keyIn = (from: number, to: number, cols: { unit: number[]; id: number[] }): boolean => {
    for (let c = 0; c < cols.unit.length; c++) if (fieldIn(from, to, cols.unit[c]!)) return true;
    for (let c = 0; c < cols.id.length; c++) if (fieldIn(from, to, cols.id[c]!)) return true;
    return false;
  };

  async function* records(): AsyncGenerator<RawRecord[]> {
    let out: RawRecord[] = [];
    /** takes the complete records of buf from `start` on; returns where the unfinished tail starts */
    const take = (start: number): number => {
      let next: number;
      let at = start;
      while ((next = buf.indexOf(eol, at)) >= 0) {
        takeLine(at, next);
        at = next + eolLength;
      }
      return at;
    };
    // buf[pos..] is the unread part of the first chunk; later chunks are taken whole, and only the
    // line that straddles two chunks is copied (joined)
    let tail: Buffer = Buffer.alloc(0);
    let chunk: Buffer | undefined = buf;
    let from = pos;
    let fallback: Buffer | undefined;
    while (chunk) {
      // a chunk with a quote anywhere: the rest of the file goes through csv-parse
      if (chunk.indexOf(QUOTE, from) >= 0) {
        fallback = Buffer.concat([tail, chunk.subarray(from)]);
        break;
      }
      if (tail.length) {
        let nl = chunk.indexOf(NL, from);
        for (;;) {
          if (nl < 0) break;
          buf = Buffer.concat([tail, chunk.subarray(from, nl + 1)]);
          const end = take(0);
          if (end === buf.length) {
            from = nl + 1;
            tail = Buffer.alloc(0);
            break;
          }
          nl = chunk.indexOf(NL, nl + 1); // a bare LF inside a CRLF record: the record goes on
        }
        if (tail.length) {
          tail = Buffer.concat([tail, chunk.subarray(from)]);
          chunk = await nextChunk();
          from = 0;
          continue;
        }
      }
      buf = chunk;
      tail = chunk.subarray(take(from));
      if (out.length >= RECORD_BATCH) {
        yield out;
        out = [];
      }
      chunk = await nextChunk();
      from = 0;
    }
    if (!fallback) {
      // the last line, without a line ending
      if (tail.length) {
        buf = tail;
        takeLine(0, tail.length);
      }
      if (out.length) yield out;
      return;
    }
    if (out.length) yield out;
    // csv-parse from the current line on
    const rest = fallback;
    const stream = Readable.from(
      (async function* () {
        yield rest;
        for (;;) {
          const n = await it.next();
          if (n.done) return;
          yield n.value;
        }
      })(),
      { objectMode: false },
    );
    const { nextRows, line: counter } = csvRows(stream, shownAs, delimiter, line, eol);
    for (let rows = await nextRows(); rows; rows = await nextRows()) {
      const recs = rowRecords(rows, header, counter);
      if (recs.length) yield recs;
    }

    function takeLine(from: number, to: number): void {
      const at = line;
      // a bare LF inside a CRLF-ended record is a line break inside a field, as csv-parse reads it
      line++;
      if (crlf) for (let i = buf.indexOf(NL, from); i >= 0 && i < to; i = buf.indexOf(NL, i + 1)) line++;
      // blank (what csv-parse's single empty-looking field trims to ''): skipped, as by the reader
      let i = from;
      while (i < to && (buf[i] === 0x20 || (buf[i]! >= 0x09 && buf[i]! <= 0x0d))) i++;
      if (i === to || (buf[i]! >= 0x80 && buf.toString('utf8', from, to).trim() === '')) return;
      const cols = sampler.columns;
      if (cols && keyIn(from, to, cols) && !sampler.keep(buf, ka, kb)) {
        sampler.dropped++;
        return;
      }
      const values = buf.toString('utf8', from, to).split(delimiter);
      if (values.length !== width) {
        out.push({
          line: at,
          raw: csvLine(values),
          error: { kind: 'wrong field count', detail: `${values.length} fields, the header has ${width}` },
        });
        return;
      }
      out.push({ line: at, values, offset: 0, count: width });
    }
  }
  return { format: 'csv', gzip, header, records: records() };
}
