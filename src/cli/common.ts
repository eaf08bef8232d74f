// Options and helpers several commands share.
import { type Command, Option } from 'commander';
import type { ModelChoice, TableChoice } from '../app/pricing-choice.js';
import type { RunChoice } from '../app/scenario.js';
import { userError } from '../diagnostics.js';
import { DEFAULT_STALE_AFTER_DAYS, parseStaleAfter } from '../pricing/staleness.js';
import type { Display } from '../report/format.js';
import type { Format } from '../report/formats.js';
import { parseFormat } from './io.js';
import { CACHE_RULES, parseRealism } from '../strategies/prompt-cache/rules.js';
import { availableParallelism, loadavg } from 'node:os';
import { extname } from 'node:path';
import { threadCount, threadsAsked } from '../app/threads.js';

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
    )
    .option(
      '--pricing-overlay <file>',
      'price overlays (YAML): a negotiated discount or an uplift per provider/model/tier/channel on top of the tables, e.g. scenarios/overlays/negotiated.yaml',
    );
}

/** The model flags as the pipelines take them (app/pricing-choice.ts ModelChoice). */
export function modelChoice(o: ModelFlags): ModelChoice {
  return {
    catalog: o.catalog !== false,
    deployments: parseDeployments(o.deployment),
    ...(o.pricingOverlay ? { overlay: o.pricingOverlay } : {}),
  };
}

export interface ModelFlags {
  deployment?: string[];
  /** commander's --no-catalog: false when given */
  catalog?: boolean;
  /** --pricing-overlay FILE */
  pricingOverlay?: string;
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

/** The format an --out file's extension names (without --format, the file is written in it). */
const FORMAT_OF_EXTENSION: Record<string, Format> = {
  '.html': 'html',
  '.htm': 'html',
  '.json': 'json',
  '.md': 'md',
  '.markdown': 'md',
  '.csv': 'csv',
};

/**
 * --format (checked against the command's formats as it is parsed: options.format is a Format) and
 * --out, whose extension sets the format when --format is not given.
 */
export function addOutputOptions(cmd: Command, formats: readonly Format[], dflt: Format = 'table'): Command {
  // the extensions that name a format this command writes (.html for a command without HTML is refused)
  const extensions = ['.html', '.json', '.md', '.csv'].filter((e) => formats.includes(FORMAT_OF_EXTENSION[e]!));
  const format = new Option('-f, --format <format>', `output format: ${formats.join('|')}`)
    .default(dflt, extensions.length ? `${dflt}, or the --out file's extension: ${extensions.join(', ')}` : dflt)
    .argParser((v: string) => parseFormat(v, formats));
  // `--out report.html` without --format writes the page, not the terminal table, in report.html
  cmd.hook('preAction', (_, action) => {
    const out: unknown = action.getOptionValue('out');
    if (action !== cmd || typeof out !== 'string' || action.getOptionValueSource('format') !== 'default') return;
    const implied = FORMAT_OF_EXTENSION[extname(out).toLowerCase()];
    if (implied === undefined) return;
    if (!formats.includes(implied)) {
      const name: string[] = [];
      for (let c: Command | null = action; c?.parent; c = c.parent) name.unshift(c.name());
      throw userError('USAGE', `--out ${out}: ${name.join(' ')} does not write ${implied}`, {
        where: '--out',
        hint: `name a format it writes (--format ${formats.join('|')}) or another file name`,
      });
    }
    action.setOptionValueWithSource('format', implied, 'implied');
  });
  return cmd
    .addOption(format)
    .option(
      '-o, --out <file>',
      `write the output to a file (atomically; its folder must exist) instead of stdout${extensions.length ? `; ${extensions.length > 1 ? `${extensions.slice(0, -1).join(', ')} or ${extensions.at(-1)}` : extensions[0]} sets the format` : ''}`,
    );
}

/** --currency/--fx: the display currency of every money figure (rendering only; JSON keeps USD). */
export interface DisplayFlags {
  currency?: string;
  fx?: string;
}

/**
 * The commands that show money in a display currency take `--currency CODE --fx RATE`: simulate,
 * replay, sweep, diff, drift, estimate and report --from (docs/reports.md, "Display currency").
 */
export function addDisplayOptions(cmd: Command): Command {
  return cmd
    .option(
      '--currency <code>',
      'show money in this currency, as EUR 1,234.56 (a 3-letter code; needs --fx); JSON and CSV figures stay USD',
    )
    .option('--fx <rate>', 'the rate: units of --currency per 1 USD, e.g. --currency EUR --fx 0.92');
}

/** The display currency the flags ask for: none (USD), or both flags, checked. */
export function displayFlags(o: DisplayFlags): Display | undefined {
  if (o.currency === undefined && o.fx === undefined) return undefined;
  if (o.fx === undefined)
    throw userError('USAGE', `--currency ${o.currency} needs a rate: --fx`, {
      where: '--fx',
      hint: `give the rate as units of ${o.currency} per 1 USD, e.g. --currency ${o.currency} --fx 0.92`,
    });
  if (o.currency === undefined)
    throw userError('USAGE', '--fx needs the currency it converts to: --currency', {
      where: '--currency',
      hint: `name the currency, e.g. --currency EUR --fx ${o.fx}`,
    });
  if (!/^[A-Za-z]{3}$/.test(o.currency))
    throw userError('USAGE', `--currency '${o.currency}' is not a 3-letter currency code`, {
      where: '--currency',
      hint: 'use an ISO 4217 code such as EUR, GBP or JPY',
    });
  const fx = /^\d+(\.\d+)?$/.test(o.fx.trim()) ? Number(o.fx) : Number.NaN;
  if (!(fx > 0) || !Number.isFinite(fx))
    throw userError('USAGE', `--fx '${o.fx}' is not a positive number`, {
      where: '--fx',
      hint: `give units of ${o.currency.toUpperCase()} per 1 USD as a decimal, e.g. --fx 0.92`,
    });
  return { currency: o.currency.toUpperCase(), fx };
}

/** The table flags every pricing-aware command takes (addPricingOptions). */
export interface PricingFlags {
  pricing?: string;
  asOf?: string;
  staleAfter?: string;
}

/** --stale-after as a whole number of days. */
export function staleAfterFlag(value: string | undefined): number {
  const days = parseStaleAfter(value);
  if (days === undefined)
    throw userError('USAGE', `--stale-after '${value}' is not a whole number of days`, {
      where: '--stale-after',
      hint: `e.g. --stale-after ${DEFAULT_STALE_AFTER_DAYS}`,
    });
  return days;
}

/** The table flags as the pipelines take them. */
export function tableChoice(o: PricingFlags): TableChoice {
  return { pricing: o.pricing, asOf: o.asOf, staleAfterDays: staleAfterFlag(o.staleAfter) };
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

/** A non-negative decimal limit ("5", "2.5", "5%", "$100"), as a plain decimal string. */
export function decimalFlag(value: string, flag: string, strip: RegExp): string {
  const v = value.trim().replace(strip, '').replace(/_/g, '');
  if (!/^\d+(\.\d{1,12})?$/.test(v))
    throw userError('USAGE', `${flag} '${value}' is not a non-negative number`, {
      where: flag,
      hint: flag.endsWith('-usd') ? `USD, e.g. ${flag} 100` : `a percentage, e.g. ${flag} 5 (fails above +5%)`,
    });
  return v;
}

/**
 * --max-increase PCT|USD: "5" or "5%" is a percentage, "$50" or "50usd" an amount in USD (diff).
 * Returns the limit as a number in its unit.
 */
export function increaseLimitFlag(value: string, flag: string): { pct: number } | { usd: number } {
  const usd = /^\s*\$|usd\s*$/i.test(value);
  const v = value
    .trim()
    .replace(usd ? /^\$\s*|\s*usd$/gi : /\s*%$/, '')
    .replace(/_/g, '');
  if (!/^\d+(\.\d{1,12})?$/.test(v))
    throw userError('USAGE', `${flag} '${value}' is not a percentage or an amount in USD`, {
      where: flag,
      hint: `e.g. ${flag} 5 (fails above +5%) or ${flag} '$50' (fails above +$50)`,
    });
  return usd ? { usd: Number(v) } : { pct: Number(v) };
}

/** The flags diff and advise share with simulate, as the pipelines take them (app/scenario.ts RunChoice). */
export interface RunFlags extends ModelFlags {
  seed?: string;
  pricing?: string;
  asOf?: string;
  cacheRealism?: string;
  allowPath: string[];
}

export function runChoice(o: RunFlags): RunChoice {
  return {
    seed: o.seed !== undefined ? intFlag(o.seed, '--seed', 0, 2 ** 32 - 1) : undefined,
    pricing: o.pricing,
    asOf: o.asOf,
    cacheRealism: o.cacheRealism,
    allowPaths: o.allowPath,
    ...modelChoice(o),
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

/** --threads and --verbose (commands that can run on several threads). */
export function addThreadOptions(cmd: Command): Command {
  return cmd
    .option(
      '--threads <n>',
      'threads to run on (default: LLMCOST_THREADS, else the idle cores plus one); the report is the same for any number',
    )
    .option('--verbose', 'say on stderr how the work was spread over the threads, or why it ran on one');
}

export interface ThreadFlags {
  threads?: string;
  verbose?: boolean;
}

/** The thread count, whether it was asked for, and the --verbose notes (on stderr). */
export function threadsOf(
  o: ThreadFlags,
  env: Record<string, string | undefined>,
  note: (line: string) => void,
): { threads: number; explicitThreads: boolean; verbose?: (message: string) => void } {
  const threads = threadCount(o.threads, env);
  const explicitThreads = threadsAsked(o.threads, env);
  if (o.verbose && !explicitThreads) {
    const cores = availableParallelism();
    if (threads < cores)
      note(
        `note: ${threads} thread${threads === 1 ? '' : 's'} of ${cores} cores: the machine is busy (load average ${loadavg()[0]!.toFixed(1)}); --threads ${cores} to use them all`,
      );
  }
  return { threads, explicitThreads, ...(o.verbose ? { verbose: (m: string) => note(`note: ${m}`) } : {}) };
}
