// When a log's rows happened: the plausible range a timestamp must fall in, and a check that the
// log's period is not stretched by a few stray rows. One stray timestamp ('0', '1e12', a 20-digit
// number) used to be accepted, and the period became 1970..5138: every per-day figure (and a
// per-day budget check) then divided by 1,150,000 days.
import { userError } from '../../diagnostics.js';
import { createRng, type Rng } from '../../engine/rng.js';

/** Epoch ms; `untilMs` is exclusive. */
export interface TimestampRange {
  fromMs: number;
  untilMs: number;
  /** as the user wrote it (or the default), for messages */
  text: string;
}

/**
 * The default: API request logs of LLMs begin after 2015 (the first commercial LLM APIs opened in
 * 2020), and a date after 2100 is a unit mistake (nanoseconds read as milliseconds), not a request.
 */
export const DEFAULT_TIMESTAMP_RANGE: TimestampRange = rangeOf('2015-01-01', '2100-01-01');

function rangeOf(from: string, until: string): TimestampRange {
  return {
    fromMs: Date.parse(`${from}T00:00:00Z`),
    untilMs: Date.parse(`${until}T00:00:00Z`),
    text: `${from}..${until}`,
  };
}

const isDate = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/** `FROM..UNTIL` (dates, UTC; UNTIL exclusive) -> a range; a UserError at `where` otherwise. */
export function parseTimestampRange(text: string, where: string): TimestampRange {
  const m = /^\s*(\S+)\s*\.\.\s*(\S+)\s*$/.exec(text);
  const ok = m && isDate(m[1]!) && isDate(m[2]!) && m[1]! < m[2]!;
  if (!ok)
    throw userError('USAGE', `timestamp range '${text}' is not FROM..UNTIL with two dates, FROM first`, {
      where,
      hint: `e.g. ${DEFAULT_TIMESTAMP_RANGE.text} (the default; dates are UTC, UNTIL is excluded)`,
    });
  return rangeOf(m![1]!, m![2]!);
}

/**
 * The time given to rows that have none (`--timestamp`, traffic.log.timestamp): a UTC date
 * YYYY-MM-DD (its midnight) or a date-time (2026-11-20T14:00:00Z), inside `range`; epoch ms, or a
 * UserError at `where`.
 */
export function parseRowTime(text: string, where: string, range: TimestampRange = DEFAULT_TIMESTAMP_RANGE): number {
  const t = text.trim();
  // (a real calendar date: Date.parse would roll 2026-02-30 over to March)
  const ms = !isDate(t.slice(0, 10))
    ? Number.NaN
    : t.length === 10
      ? Date.parse(`${t}T00:00:00Z`)
      : /^.{10}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)
        ? Date.parse(t.replace(' ', 'T'))
        : Number.NaN;
  if (Number.isNaN(ms))
    throw userError('USAGE', `'${text}' is not a UTC date or a date-time with its zone`, {
      where,
      hint: "e.g. 2026-11-20 (midnight UTC) or 2026-11-20T14:00:00Z: the time the rows without a timestamp are priced at (a batch output: the job's date)",
    });
  if (outOfRange(ms, range))
    throw userError('USAGE', `${where} ${t} is outside the timestamp range ${range.text}`, {
      where,
      hint: 'give the date the calls were made, or widen --timestamp-range (traffic.log.timestamp_range)',
    });
  return ms;
}

/** A date for a message: YYYY-MM-DD, or the year when it is beyond what Date can show. */
export function dayOf(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) > 8.64e15) return `year ${Math.round(1970 + ms / 3.15576e10)}`;
  return new Date(ms).toISOString().slice(0, 10);
}

/** The reject detail for a timestamp outside the range, or undefined when it is inside. */
export function outOfRange(atMs: number, range: TimestampRange): string | undefined {
  if (atMs >= range.fromMs && atMs < range.untilMs) return undefined;
  return `is ${dayOf(atMs)}, outside ${range.text} (a unit mistake or a placeholder?)`;
}

const SAMPLE = 4096;
const DAY_MS = 86_400_000;

/**
 * Where most rows are in time: a fixed-size uniform sample of the accepted timestamps (reservoir,
 * seeded: the same log gives the same warning) and the extremes with their lines. Memory is
 * constant whatever the log's length.
 */
export class PeriodSpread {
  private readonly sample = new Float64Array(SAMPLE);
  private seen = 0;
  private readonly rng: Rng = createRng('period-spread');
  private min = Infinity;
  private max = -Infinity;
  private minLine = 0;
  private maxLine = 0;

  add(atMs: number, line: number): void {
    if (atMs < this.min) {
      this.min = atMs;
      this.minLine = line;
    }
    if (atMs > this.max) {
      this.max = atMs;
      this.maxLine = line;
    }
    if (this.seen < SAMPLE) this.sample[this.seen] = atMs;
    else {
      const j = this.rng.int(this.seen + 1);
      if (j < SAMPLE) this.sample[j] = atMs;
    }
    this.seen++;
  }

  /**
   * A warning when the whole period is more than 10x the span of the 1st..99th percentile rows
   * and longer than a day: a few stray timestamps stretch it, and per-day figures divide by it.
   */
  warning(shown: string): string | undefined {
    if (this.seen < 2) return undefined;
    const full = this.max - this.min;
    if (full <= DAY_MS) return undefined;
    const s = this.sample.slice(0, Math.min(this.seen, SAMPLE)).sort();
    const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]!;
    const lo = at(0.01);
    const hi = at(0.99);
    const bulk = hi - lo;
    if (full <= 10 * Math.max(bulk, DAY_MS)) return undefined;
    const days = (ms: number): string =>
      `${Math.max(1, Math.ceil(ms / DAY_MS)).toLocaleString('en-US')} day${ms > DAY_MS ? 's' : ''}`;
    return (
      `the log's period ${dayOf(this.min)} .. ${dayOf(this.max)} (${days(full)}) is stretched by a few rows: ` +
      `98% of the rows fall within ${dayOf(lo)} .. ${dayOf(hi)} (${days(bulk)}); per-day figures and budgets divide by the whole period. ` +
      `Earliest row: ${shown}:${this.minLine}; latest: ${shown}:${this.maxLine}. ` +
      'Fix or remove the stray rows, or narrow --timestamp-range (scenario: traffic.log.timestamp_range) to reject them'
    );
  }
}
