// A CSV log read for a key-consistent sample (traffic/sample.ts): lines whose sample unit is not
// kept are counted and left unparsed, so a 1% sample reads ~1% of the rows. Only quote-free records
// are decided before parsing, by the quote-free reader (quotefree.ts: such a record is its fields
// split at the delimiter); from the first record with a quote on, the rest of the file goes through
// csv-parse like any log, and the reader's own filter (on the parsed requests) keeps the same units.
import { quoteFreeCsvOpen, quoteFreeHeader, type LineSkip } from './quotefree.js';
import type { OpenedLog } from './source.js';

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

/** Whether a CSV log starting with `head` (decoded text) can be read by sampledCsvOpen. */
export const sampledHeaderOk = (head: string): boolean => quoteFreeHeader(head);

/** A CSV log whose unsampled lines are skipped unparsed (the header passed sampledHeaderOk). */
export function sampledCsvOpen(
  chunks: AsyncIterable<Buffer>,
  shownAs: string,
  gzip: boolean,
  delimiter: string,
  sampler: LineSampler,
): Promise<Omit<OpenedLog, 'position'>> {
  return quoteFreeCsvOpen(chunks, shownAs, gzip, delimiter, 1, sampledSkip(sampler, delimiter));
}

/** The quote-free reader's skip rule for a sample: a line whose unit key is outside it (counted as dropped). */
export function sampledSkip(sampler: LineSampler, delimiter: string): LineSkip {
  const delim = delimiter.charCodeAt(0);
  // the key found by keyIn: buf[ka, kb) (a byte loop, no allocation per line: this runs on every line)
  let ka = 0;
  let kb = 0;
  /** finds field k of the line buf[from, to), trimmed, in ka/kb; false when the line has no such field or it is blank */
  const fieldIn = (buf: Buffer, from: number, to: number, k: number): boolean => {
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
  return (buf, from, to) => {
    const cols = sampler.columns;
    if (!cols) return false;
    // the unit key of the line, else its request id; a line with neither is parsed
    let found = false;
    for (let c = 0; c < cols.unit.length && !found; c++) found = fieldIn(buf, from, to, cols.unit[c]!);
    for (let c = 0; c < cols.id.length && !found; c++) found = fieldIn(buf, from, to, cols.id[c]!);
    if (!found || sampler.keep(buf, ka, kb)) return false;
    sampler.dropped++;
    return true;
  };
}
