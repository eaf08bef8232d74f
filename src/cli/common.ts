// Options and helpers several commands share.
import { type Command, Option } from 'commander';
import { formatDiagnostic, userError } from '../diagnostics.js';
import { choosePricing, chooseSchedule } from '../pricing/load.js';
import type { PriceBook, Pricing } from '../pricing/pricebook.js';
import type { PriceSchedule } from '../pricing/schedule.js';
import { DEFAULT_STALE_AFTER_DAYS, parseStaleAfter, stalenessWarning } from '../pricing/staleness.js';
import type { App } from './app.js';
import { type Format, parseFormat } from './io.js';
import { CACHE_RULES, parseRealism } from '../strategies/prompt-cache/rules.js';
import { type LogOptions, readerThread } from '../traffic/logs/read.js';
import type { TimestampRange } from '../traffic/logs/period.js';

export function addPricingOptions(cmd: Command): Command {
  return cmd
    .option(
      '--pricing <file|version>',
      'pricing table file, or the version of a bundled table (default: the table in force)',
    )
    .option('--as-of <date>', 'use the bundled table in force on this date (YYYY-MM-DD)')
    .option(
      '--stale-after <days>',
      'warn (PRICING_STALE) when the table is older than this many days on the --as-of date (else, for a run, its last traffic date)',
      String(DEFAULT_STALE_AFTER_DAYS),
    );
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** How model names become priced models: deployment names, and the catalog for what no table knows. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option(
      '--deployment <name=model>',
      'an Azure (or any) deployment name and the model it serves, e.g. prod-chat=gpt-4o or eu-chat=azure/eu/gpt-4o (repeatable)',
      collect,
    )
    .option(
      '--no-catalog',
      'price only with the curated tables: a model they lack is rejected, not priced from the catalog',
    );
}

export interface ModelFlags {
  deployment?: string[];
  /** commander's --no-catalog: false when given */
  catalog?: boolean;
}

/** --deployment NAME=MODEL values (repeatable, comma-separated too) as a map; a malformed one is exit 2. */
export function parseDeployments(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of (values ?? []).flatMap((x) => x.split(','))) {
    const i = v.indexOf('=');
    const name = v.slice(0, i).trim();
    const model = v.slice(i + 1).trim();
    if (i < 0 || !name || !model)
      throw userError('USAGE', `--deployment '${v}' is not NAME=MODEL`, {
        where: '--deployment',
        hint: 'e.g. --deployment prod-chat=gpt-4o (the deployment name as the log shows it, then the model it serves)',
      });
    out[name] = model;
  }
  return out;
}

/**
 * The pricing of a run: --pricing/--as-of pin one table; otherwise a log (perRequest) is priced
 * with the table in force at each row's time, anything else with the newest table. Staleness is
 * judged against --as-of only, as for loadBook.
 */
export function loadPricing(
  app: App,
  opts: { pricing?: string; asOf?: string; staleAfter?: string } & ModelFlags,
  perRequest: boolean,
  extraDeployments: Record<string, string> = {},
): PriceSchedule {
  const { pricing, warnings } = chooseSchedule({
    ...(opts.pricing ? { pricing: opts.pricing } : {}),
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    cwd: app.io.cwd,
    warn: (d) => app.io.stderr.write(`${formatDiagnostic(d)}\n`),
    perRequest,
    catalog: opts.catalog !== false,
    deployments: { ...extraDeployments, ...parseDeployments(opts.deployment) },
  });
  for (const w of warnings) app.io.stderr.write(`${formatDiagnostic(w)}\n`);
  // per request, each row has its own table: staleness is about one pinned table
  const staleAfter = staleAfterFlag(opts);
  if (pricing.pinned) warnIfStale(app, pricing.book(0), opts.asOf, staleAfter);
  return pricing;
}

function staleAfterFlag(opts: { staleAfter?: string }): number {
  const staleAfter = parseStaleAfter(opts.staleAfter);
  if (staleAfter === undefined)
    throw userError('USAGE', `--stale-after '${opts.staleAfter}' is not a whole number of days`, {
      where: '--stale-after',
      hint: `e.g. --stale-after ${DEFAULT_STALE_AFTER_DAYS}`,
    });
  return staleAfter;
}

/** PRICING_STALE on stderr, judged against --as-of only (never the wall clock; src/pricing/staleness.ts). */
function warnIfStale(app: App, book: PriceBook, asOf: string | undefined, staleAfter: number): void {
  const stale = stalenessWarning(book, asOf, staleAfter);
  if (stale) app.io.stderr.write(`${formatDiagnostic(stale)}\n`);
}

/** --format (checked against the command's formats as it is parsed: options.format is a Format) and --out. */
export function addOutputOptions(cmd: Command, formats: readonly Format[], dflt: Format = 'table'): Command {
  const format = new Option('-f, --format <format>', `output format: ${formats.join('|')}`)
    .default(dflt)
    .argParser((v: string) => parseFormat(v, formats));
  return cmd.addOption(format).option('-o, --out <file>', 'write the output to a file (atomically) instead of stdout');
}

export function loadBook(app: App, opts: { pricing?: string; asOf?: string; staleAfter?: string }): PriceBook {
  const { book, warnings } = choosePricing({
    ...(opts.pricing ? { pricing: opts.pricing } : {}),
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    cwd: app.io.cwd,
  });
  for (const w of warnings) app.io.stderr.write(`${formatDiagnostic(w)}\n`);
  warnIfStale(app, book, opts.asOf, staleAfterFlag(opts));
  return book;
}

/** --cache-realism, checked as commander parses it (a bad value is exit 2 naming the flag). */
export function addCacheRealismOption(cmd: Command): Command {
  const o = new Option(
    '--cache-realism <rules>',
    `when provider caches hit: realistic (default), ideal (the simulator's original rules), or rules joined by + (${CACHE_RULES.join(', ')}); beats the scenario's cache_realism`,
  ).argParser((v: string) => {
    const r = parseRealism(v);
    if (typeof r === 'string')
      throw userError('USAGE', `--cache-realism: ${r}`, {
        where: '--cache-realism',
        hint: 'e.g. --cache-realism ideal, or --cache-realism breakpoints+fan-out (docs/strategies-caching.md)',
      });
    return v;
  });
  return cmd.addOption(o);
}

/** A whole number flag, >= min. */
export function intFlag(value: string, flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = value.trim().replace(/_/g, '');
  const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw userError(
      'USAGE',
      `${flag} '${value}' is not a whole number${min > 0 ? ` >= ${min}` : ' >= 0'}${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max}` : ''}`,
      { where: flag, hint: `e.g. ${flag} ${Math.max(min, 1000)}` },
    );
  }
  return n;
}

/** A comma-separated list of whole numbers (e.g. 1000,10000,100000; 10k and 1.5M accepted). */
export function intListFlag(value: string, flag: string, min = 1): number[] {
  return value.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(part.replace(/_/g, ''));
    if (!m) return intFlag(part, flag, min);
    const n = Number(m[1]) * (m[2]!.toLowerCase() === 'k' ? 1e3 : m[2]!.toLowerCase() === 'm' ? 1e6 : 1);
    return intFlag(String(Math.round(n)), flag, min);
  });
}

/** How to read a log from the flags replay and audit-cache share (--preset, --model, --strict, --rejects, --timestamp-range). */
export function logOptions(
  app: App,
  file: string,
  o: { preset?: string; model?: string; strict?: boolean; rejects?: string; timestampRange?: TimestampRange },
  map: Record<string, string>,
  book: Pricing,
): LogOptions {
  const thread = readerThread(app.io.env);
  return {
    file,
    ...(o.preset ? { preset: o.preset } : {}),
    map,
    ...(o.model ? { model: o.model } : {}),
    ...(o.strict ? { strict: true } : {}),
    ...(o.rejects ? { rejectsFile: o.rejects } : {}),
    ...(o.timestampRange ? { timestampRange: o.timestampRange } : {}),
    ...(app.io.stdin ? { stdin: app.io.stdin } : {}),
    cwd: app.io.cwd,
    book,
    ...(thread ? { thread } : {}),
    notify: (m) => app.io.stderr.write(`note: ${m}\n`),
  };
}

const collectPath = (v: string, prev: string[]): string[] => [...prev, v];

/** --allow-path DIR (repeatable): a folder the scenario's own paths may also point into (see docs/ci.md). */
export function addAllowPathOption(cmd: Command): Command {
  return cmd.option(
    '--allow-path <dir>',
    "let the scenario read or write files under DIR too (default: only under the scenario's folder and the current folder; repeatable)",
    collectPath,
    [],
  );
}
