// Every user-facing error and warning: a stable code, a message, where it happened and a hint.
// User mistakes become a UserError (exit 2, no stack); anything else is an internal bug (stack).

import { terminalText } from './shared/text.js';

export type Severity = 'error' | 'warning';

/** Stable codes. Add here, never inline a new code string elsewhere. */
export const CODES = {
  USAGE: 'Bad command-line usage',
  FILE_NOT_FOUND: 'File not found',
  FILE_READ: 'File could not be read',
  YAML_SYNTAX: 'YAML syntax error',
  SCHEMA: 'Value does not match the schema',
  UNKNOWN_KEY: 'Unknown key',
  DEPRECATED_OPTION: 'An option has a new name (the old one still works for now)',
  PRICING_INCONSISTENT: 'Pricing table is inconsistent',
  PRICING_NONE: 'No pricing table applies',
  PRICING_STALE: 'Pricing table may be stale',
  PRICING_BEFORE_TABLES: 'Traffic is dated before the oldest pricing table',
  UNKNOWN_MODEL: 'Unknown model',
  UNPRICED_DIMENSION: 'A request uses a dimension its model has no price for',
  OVER_CONTEXT_WINDOW: "A request is larger than its model's context window",
  UNKNOWN_STRATEGY: 'Unknown strategy',
  STRATEGY_MODEL: 'Strategy option does not apply to a model',
  STRATEGY_NO_DATA: 'A strategy cannot act on the data it was given',
  STRATEGY_INFERRED: 'A strategy works on data it inferred from the log (what it assumed is said)',
  STRATEGY_ORDER: 'A strategy runs after one it should precede (cached token counts are lost)',
  STRATEGY_UNREACHABLE: 'A strategy rule can never apply',
  STRATEGY_UNMATCHED: "A strategy rule's condition matched no request it saw",
  STRATEGY_CONTEXT_WINDOW: 'A strategy sends requests beyond the target model context window',
  STRATEGY_NO_TIER: 'A model lacks the service tier a strategy moves requests to',
  STRATEGY_NO_CACHE: 'A model has no prompt caching in the pricing table',
  STRATEGY_OPTION_IGNORED: 'A strategy option does not apply to a model and is ignored',
  SELF_HOST_IDLE_FLEET: 'A self-hosted fleet is far from the stated utilisation',
  NO_REQUESTS: 'The traffic has no priced requests',
  SAMPLE_SHARED_STATE: "A sample unit does not hold a strategy's whole state",
  SAMPLE_SMALL: 'A sample kept too few units for its band and scaled totals to be trusted',
  UNKNOWN_PRESET: 'Unknown log preset',
  LOG_PRESET: 'Log layout matches several presets',
  LOG_HEADER: 'Log header is missing required columns',
  LOG_ROW: 'Log row rejected',
  LOG_FORMAT: 'Log file cannot be read',
  LOG_UNSORTED: 'Log timestamps are not sorted',
  LOG_DUPLICATE_ID: 'Log rows repeat a request id',
  LOG_SKIPPED: 'Log records that are not billed model calls were skipped',
  LOG_UNBILLED: 'Failed calls recorded token counts that are not charged',
  LOG_PERIOD: "A few rows stretch the log's period far beyond the rest",
  REPORT_INPUT: 'Saved report cannot be read',
  CHECK_FAILED: 'A check failed',
  BATCH_CACHE: 'Cache counts a batch could not have had',
  WRITE: 'Output could not be written',
  PATH_NOT_ALLOWED: 'A file named in a scenario is outside the folders it may read',
  INPUT_LIMIT: 'Input is larger or more deeply nested than llmcost reads',
} as const;
export type Code = keyof typeof CODES;

/**
 * What a diagnostic is about, as data, for code that reacts to it (drift renames an unknown-model
 * error, the scenario loader refines an unknown-key hint): never parse the message text back.
 */
export interface DiagnosticData {
  /** the model name as written */
  model?: string;
  /** the pricing table version involved */
  table?: string;
  /** the message without the file it came from (safe to show in a PR comment) */
  reason?: string;
  /** the unknown key, and the dotted path of the object it is in */
  key?: string;
  path?: string;
}

export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  /** file:line:column, a flag such as --requests, or a model name */
  where?: string;
  hint?: string;
  data?: DiagnosticData;
}

export class UserError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map(formatDiagnostic).join('\n'));
    this.name = 'UserError';
    this.diagnostics = list;
  }
}

export function userError(
  code: Code,
  message: string,
  opts: { where?: string; hint?: string; data?: DiagnosticData } = {},
): UserError {
  return new UserError({ code, severity: 'error', message, ...opts });
}

export function warning(code: Code, message: string, opts: { where?: string; hint?: string } = {}): Diagnostic {
  return { code, severity: 'warning', message, ...opts };
}

/** `error[CODE] where: message` and an indented hint line; user text is made terminal-safe. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.severity}[${d.code}]${d.where ? ` ${terminalText(d.where)}` : ''}: ${terminalText(d.message)}`;
  return d.hint ? `${head}\n  hint: ${terminalText(d.hint)}` : head;
}

/**
 * A value from an input file as an error message may quote it: control and invisible characters
 * as '?', cut to `max` characters (80: a real model id such as
 * 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0' stays whole). Messages never carry more of a line than this (a log row may
 * hold a prompt, and a file named by a scenario may not be a log at all).
 */
export function excerpt(value: unknown, max = 80): string {
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufffd]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function location(file: string, line?: number, column?: number): string {
  if (line === undefined) return file;
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}

/** Levenshtein distance, small inputs only (names of keys, models, strategies). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[n]!;
}

/** Up to `max` candidates close to `name` (distance <= 1/3 of the length, or a substring match). */
export function didYouMean(name: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const d = editDistance(lower, cl);
    const limit = Math.max(2, Math.floor(Math.max(lower.length, cl.length) / 3));
    if (d <= limit || (lower.length >= 3 && (cl.includes(lower) || lower.includes(cl)))) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : 1));
  return scored.slice(0, max).map((s) => s.c);
}

export function suggestionHint(name: string, candidates: Iterable<string>, fallback: string): string {
  const near = didYouMean(name, candidates);
  return near.length ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}? ${fallback}` : fallback;
}
