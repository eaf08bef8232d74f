// The log-reading flags replay and audit-cache share, as the pipelines take them. Apart from
// common.ts so that commands that read no log do not load the log reader at start-up.
import type { Command } from 'commander';
import type { LogInput } from '../app/replay.js';
import {
  DEFAULT_TIMESTAMP_RANGE,
  parseRowTime,
  parseTimestampRange,
  type TimestampRange,
} from '../traffic/logs/period.js';
import { parseMap } from '../traffic/logs/read.js';
import { type ModelFlags, modelChoice, type PricingFlags, tableChoice } from './common.js';

/** The log-reading flags replay and audit-cache share. */
export interface LogFlags extends PricingFlags, ModelFlags {
  preset?: string;
  map: string[];
  model?: string;
  /** the time of rows without one (parsed in logInput, against --timestamp-range) */
  timestamp?: string;
  strict?: boolean;
  rejects?: string;
  timestampRange?: TimestampRange;
  threads?: string;
}

/** --threads for a command that reads a log: how many threads the read may use. */
export function addLogThreadsOption(cmd: Command, many = 'parse a CSV of 8 MB or more in a second thread'): Command {
  return cmd.option(
    '--threads <n>',
    `threads to read the log on: 1 parses it on this thread, 2 or more ${many} (default: LLMCOST_THREADS, else the idle cores plus one); the report is the same for any number`,
  );
}

/** --timestamp-range: the dates a row's timestamp must lie in. */
export function addTimestampRangeOption(cmd: Command): Command {
  return cmd.option(
    '--timestamp-range <from..until>',
    `rows timestamped outside these dates (UTC, until excluded) are rejected (default: ${DEFAULT_TIMESTAMP_RANGE.text})`,
    (v: string) => parseTimestampRange(v, '--timestamp-range'),
  );
}

/** --timestamp: the time of rows that have none (parsed by logInput). */
export function addRowTimeOption(cmd: Command): Command {
  return cmd.option(
    '--timestamp <time>',
    "time for rows without one, a UTC date or date-time (a Gemini API batch output has none: the job's date); rows with a timestamp keep theirs",
  );
}

/** --timestamp as epoch ms, checked against --timestamp-range (the default range without one); none: {} */
export function rowTimeOf(o: Pick<LogFlags, 'timestamp' | 'timestampRange'>): { timestamp?: number } {
  return o.timestamp === undefined ? {} : { timestamp: parseRowTime(o.timestamp, '--timestamp', o.timestampRange) };
}

/** The log-reading flags as the pipelines take them (app/replay.ts LogInput). */
export function logInput(log: string, o: LogFlags): LogInput {
  return {
    ...tableChoice(o),
    ...modelChoice(o),
    log,
    preset: o.preset,
    map: parseMap(o.map),
    model: o.model,
    ...rowTimeOf(o),
    strict: o.strict,
    rejects: o.rejects,
    timestampRange: o.timestampRange,
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
  };
}
