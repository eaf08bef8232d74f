// The log-reading flags replay and audit-cache share, as the pipelines take them. Apart from
// common.ts so that commands that read no log do not load the log reader at start-up.
import type { LogInput } from '../app/replay.js';
import type { TimestampRange } from '../traffic/logs/period.js';
import { parseMap } from '../traffic/logs/read.js';
import { type ModelFlags, modelChoice, type PricingFlags, tableChoice } from './common.js';

/** The log-reading flags replay and audit-cache share. */
export interface LogFlags extends PricingFlags, ModelFlags {
  preset?: string;
  map: string[];
  model?: string;
  strict?: boolean;
  rejects?: string;
  timestampRange?: TimestampRange;
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
    strict: o.strict,
    rejects: o.rejects,
    timestampRange: o.timestampRange,
  };
}
