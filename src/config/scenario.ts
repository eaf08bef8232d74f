// Load a scenario file: schema -> normalise -> named cross-field rules, returning
// {value, errors, warnings} so the user sees every problem at once. Strategy options are
// validated with the strategy's own schema; relative paths resolve from the scenario file.
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Diagnostic, didYouMean, suggestionHint, UserError } from '../diagnostics.js';
import { DIMENSIONS } from '../engine/ledger.js';
import { readText } from '../pricing/tables.js';
import { type Overlay, overlayOf } from '../pricing/overlay.js';
import { STRATEGIES, strategyNames } from '../strategies/registry.js';
import type { Strategy } from '../engine/strategy.js';
import { type Profile, profileProblems } from '../traffic/profile.js';
import { parse as parseYamlValue } from 'yaml';
import { DIST_KEYS, distObjectSchema } from '../traffic/distributions.js';
import { formatPath, knownKeysAt, locate, type Loaded, parseYaml } from './yaml.js';
import { type ScenarioFile, scenarioSchema, type StrategyItem, trafficSchema } from './scenario-schema.js';
import type { LogTraffic } from '../traffic/source.js';
import { parseRowTime, parseTimestampRange } from '../traffic/logs/period.js';
import type { NamedPath } from './scenario-paths.js';

export interface ScenarioStage {
  use: string;
  label: string;
  strategy: Strategy;
  options: unknown;
  /** 0-based index in the file's strategies list */
  index: number;
}

export interface Scenario {
  /** the path as the user gave it (for messages) */
  file: string;
  /** directory relative paths resolve from */
  dir: string;
  name: string;
  description?: string;
  seed: number;
  pricing?: { file?: string; version?: string; asOf?: string; overlays?: Overlay[] };
  traffic: { profile: Profile; log?: undefined } | { log: LogTraffic; profile?: undefined };
  stages: ScenarioStage[];
  by: string[];
  budgets: NonNullable<ScenarioFile['budgets']>;
  quality?: { floor: number };
  fixedCosts: { label: string; usd: string }[];
  /** when provider caches hit (strategies/prompt-cache/rules.ts) */
  cacheRealism: string;
  /** the files the scenario names (log, rejects, pricing table): checked against the allowed folders before use */
  namedPaths: NamedPath[];
  /** file:line:col of a path in the scenario (for errors found later, e.g. an unknown model) */
  where(path: readonly (string | number)[]): string;
}

/** A scenario whose traffic comes from elsewhere (a replayed log) may leave its own out. */
const trafficOptional = scenarioSchema.extend({ traffic: trafficSchema.optional() });

/** The traffic a run uses, given the file's own section (undefined when the file has none). */
export type TrafficFrom = (own: Scenario['traffic'] | undefined) => Scenario['traffic'];

const abs = (dir: string, p: string): string => (isAbsolute(p) ? p : resolve(dir, p));

/**
 * Parse and validate scenario text. `file` is shown in messages; `dir` resolves relative paths.
 * `traffic`, when given (replay LOG --scenario FILE: the log is the traffic), decides the traffic
 * from the file's own section, which may then be left out.
 */
export function parseScenarioText(text: string, file: string, dir: string, traffic?: TrafficFrom): Loaded<Scenario> {
  const { value, errors, warnings } = parseYaml(text, file, traffic ? trafficOptional : scenarioSchema);
  if (!value) {
    hintInsideDistributions(errors);
    // past a size or depth limit the text is not parsed again (the limit is what keeps the parser alive)
    if (!errors.some((e) => e.code === 'INPUT_LIMIT')) errors.push(...rawStrategyErrors(text, file));
    return { errors, warnings };
  }
  const where = (path: readonly (string | number)[]): string => locate(text, file, path);

  if (value.traffic?.profile) {
    for (const p of profileProblems(value.traffic.profile)) {
      const d: Diagnostic = {
        code: 'SCHEMA',
        severity: p.severity,
        message: p.message,
        where: where(['traffic', 'profile', ...p.path]),
        hint: p.hint,
      };
      (p.severity === 'error' ? errors : warnings).push(d);
    }
  }

  const stages = checkStrategies(value.strategies, where, errors, warnings);
  const budgets = value.budgets ?? {};
  if (budgets.per_tenant_per_day_usd !== undefined && value.traffic?.profile && !value.traffic.profile.tenants) {
    warnings.push({
      code: 'SCHEMA',
      severity: 'warning',
      message:
        'budgets.per_tenant_per_day_usd is set but the profile has no tenants: all traffic counts as one tenant (none)',
      where: where(['budgets', 'per_tenant_per_day_usd']),
      hint: 'add traffic.profile.tenants: [{name, share}, ...]',
    });
  }
  const by = [...(value.report?.by ?? [])];
  by.forEach((dim, i) => {
    const w = unknownDimension(dim, value.traffic?.profile);
    if (w)
      warnings.push({
        code: 'UNKNOWN_KEY',
        severity: 'warning',
        message: w.message,
        where: where(['report', 'by', i]),
        hint: w.hint,
      });
  });
  if (errors.length) return { errors, warnings };

  const t = value.traffic;
  const timestampRange =
    t?.log?.timestamp_range !== undefined
      ? parseTimestampRange(t.log.timestamp_range, 'traffic.log.timestamp_range')
      : undefined;
  // the time of rows without one, checked against the log's timestamp range
  let rowTime: number | undefined;
  if (t?.log?.timestamp !== undefined) {
    try {
      rowTime = parseRowTime(t.log.timestamp, 'traffic.log.timestamp', timestampRange);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const d = e.diagnostics[0]!;
      errors.push({ ...d, code: 'SCHEMA', where: where(['traffic', 'log', 'timestamp']) });
      return { errors, warnings };
    }
  }
  const log = t?.log
    ? {
        file: abs(dir, t.log.file),
        ...(t.log.preset !== undefined ? { preset: t.log.preset } : {}),
        ...(t.log.map !== undefined ? { map: t.log.map } : {}),
        ...(t.log.model !== undefined ? { model: t.log.model } : {}),
        ...(rowTime !== undefined ? { timestamp: rowTime } : {}),
        ...(t.log.strict !== undefined ? { strict: t.log.strict } : {}),
        ...(t.log.rejects !== undefined ? { rejectsFile: abs(dir, t.log.rejects) } : {}),
        ...(t.log.deployments !== undefined ? { deployments: t.log.deployments } : {}),
        ...(timestampRange ? { timestampRange } : {}),
        ...(t.log.rebase_to !== undefined
          ? {
              rebaseToMs: Date.parse(
                /^\d{4}-\d{2}-\d{2}$/.test(t.log.rebase_to) ? `${t.log.rebase_to}T00:00:00Z` : utc(t.log.rebase_to),
              ),
            }
          : {}),
      }
    : undefined;
  const own: Scenario['traffic'] | undefined = log ? { log } : t?.profile ? { profile: t.profile } : undefined;
  const pricing = value.pricing
    ? {
        ...(value.pricing.file !== undefined ? { file: abs(dir, value.pricing.file) } : {}),
        ...(value.pricing.version !== undefined ? { version: value.pricing.version } : {}),
        ...(value.pricing.as_of !== undefined ? { asOf: value.pricing.as_of } : {}),
        ...(value.pricing.overlays !== undefined ? { overlays: value.pricing.overlays.map(overlayOf) } : {}),
      }
    : undefined;
  const named = (key: (string | number)[], written: string | undefined): NamedPath[] =>
    written === undefined ? [] : [{ key, file: abs(dir, written), written }];
  const namedPaths = [
    ...named(['traffic', 'log', 'file'], t?.log?.file),
    ...named(['traffic', 'log', 'rejects'], t?.log?.rejects),
    ...named(['pricing', 'file'], value.pricing?.file),
  ];
  const scenario: Scenario = {
    file,
    dir,
    namedPaths,
    name: value.name,
    ...(value.description !== undefined ? { description: value.description } : {}),
    seed: value.seed,
    ...(pricing ? { pricing } : {}),
    traffic: traffic ? traffic(own) : own!,
    stages,
    by,
    budgets,
    ...(value.quality ? { quality: value.quality } : {}),
    fixedCosts: value.fixed_costs.map((f) => ({ label: f.label, usd: f.usd })),
    cacheRealism: value.cache_realism,
    where,
  };
  return { value: scenario, errors, warnings };
}

/**
 * A dimension that is neither built in nor a tag the traffic carries groups everything under
 * "(none)": say so (a log may carry any tag, so there only near-misses of built-in names are flagged).
 */
export function unknownDimension(dim: string, profile?: Profile): { message: string; hint: string } | undefined {
  const builtIn = Object.keys(DIMENSIONS);
  if (builtIn.includes(dim)) return undefined;
  const tags = profile
    ? ['queryKey', 'promptVersion', ...profile.segments.flatMap((s) => Object.keys(s.tags ?? {}))]
    : [];
  if (tags.includes(dim)) return undefined;
  const near = didYouMean(dim, [...builtIn, ...tags]);
  if (!profile && !near.length) return undefined;
  return {
    message: `attribution dimension '${dim}' is not a built-in dimension${profile ? ' nor a tag of this profile' : ''}: every request would fall under (none)`,
    hint: suggestionHint(
      dim,
      [...builtIn, ...tags],
      `dimensions: ${builtIn.join(', ')}${tags.length ? `; tags: ${tags.join(', ')}` : ''}`,
    ),
  };
}

/** Validate each strategy item with its strategy's own schema; errors name the owning strategy. */
function checkStrategies(
  items: StrategyItem[],
  where: (path: readonly (string | number)[]) => string,
  errors: Diagnostic[],
  warnings: Diagnostic[] = [],
): ScenarioStage[] {
  const stages: ScenarioStage[] = [];
  const labels = new Set<string>();
  items.forEach((item, i) => {
    const { use, label, ...options } = item;
    const strategy = STRATEGIES.find((s) => s.name === use);
    if (!strategy) {
      err(
        errors,
        where,
        'UNKNOWN_STRATEGY',
        ['strategies', i, 'use'],
        `unknown strategy '${use}' in strategies[${i}]`,
        suggestionHint(use, strategyNames(), `known strategies: ${strategyNames().join(', ') || '(none registered)'}`),
      );
      return;
    }
    // Old spellings of renamed options still work, with a located deprecation warning.
    for (const [old, now] of Object.entries(strategy.renamedOptions ?? {})) {
      if (!Object.hasOwn(options, old)) continue;
      const opts = options as Record<string, unknown>;
      if (Object.hasOwn(options, now)) {
        err(
          errors,
          where,
          'SCHEMA',
          ['strategies', i, old],
          `'${old}' and '${now}' are the same option of '${use}'`,
          `keep '${now}' only`,
        );
        delete opts[old]; // one error for it, not a second 'unknown option'
        continue;
      }
      opts[now] = opts[old];
      delete opts[old];
      warnings.push({
        code: 'DEPRECATED_OPTION',
        severity: 'warning',
        message: `option '${old}' of '${use}' is now '${now}' (same value: a duration such as 30s, 5m, 24h, or milliseconds)`,
        where: where(['strategies', i, old]),
        hint: `rename it to '${now}'; the old name will be removed`,
      });
    }
    const parsed = strategy.options.safeParse(options);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = ['strategies', i, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
        if (issue.code === 'unrecognized_keys') {
          // (use and label are keys of the step itself, not of an option nested in it)
          const nested = issue.path.length > 0;
          const known = [...knownKeysAt(strategy.options, issue.path), ...(nested ? [] : ['use', 'label'])];
          for (const key of (issue as { keys: string[] }).keys) {
            err(
              errors,
              where,
              'UNKNOWN_KEY',
              [...path, key],
              `unknown option '${key}' for strategy '${use}' in ${formatPath(path)}`,
              suggestionHint(
                key,
                known,
                nested
                  ? `keys of ${formatPath(path)}: ${known.join(', ')}`
                  : `options of '${use}': ${known.join(', ')}`,
              ),
            );
          }
          continue;
        }
        // zod v4 issues carry no input: an option is missing when its parent object lacks the key.
        // (options may be written in camelCase and renamed by a preprocess: trust zod's "received undefined" when it says so)
        const missing =
          issue.path.length > 0 &&
          (issue.code === 'invalid_type'
            ? /received undefined$/.test(issue.message)
            : isMissingAt(options, issue.path));
        err(
          errors,
          where,
          'SCHEMA',
          missing ? path.slice(0, -1) : path,
          `strategy '${use}' ${formatPath(path)}: ${missing ? `missing required option '${String(issue.path[issue.path.length - 1])}'` : issue.message}`,
          `see \`llmcost schema scenario\` or docs/scenarios.md for the options of '${use}'`,
        );
      }
      return;
    }
    const lab = label ?? use;
    if (labels.has(lab)) {
      err(
        errors,
        where,
        'SCHEMA',
        ['strategies', i],
        `two strategies are labelled '${lab}'`,
        'give each repeated strategy its own `label:` so the waterfall rows can be told apart',
      );
      return;
    }
    labels.add(lab);
    stages.push({ use, label: lab, strategy, options: parsed.data, index: i });
  });

  return stages;
}

function err(
  errors: Diagnostic[],
  where: (path: readonly (string | number)[]) => string,
  code: Diagnostic['code'],
  path: readonly (string | number)[],
  message: string,
  hint: string,
): void {
  errors.push({ code, severity: 'error', message, where: where(path), hint });
}

/**
 * A distribution accepts a bare number, so its schema is a preprocess the generic did-you-mean
 * cannot see through: add the hint here for unknown keys inside one.
 */
function hintInsideDistributions(errors: Diagnostic[]): void {
  const re = new RegExp(`\\.(?:${DIST_KEYS.join('|')})((?:\\.[a-z_]+)*)$`);
  for (const e of errors) {
    if (e.code !== 'UNKNOWN_KEY' || e.hint !== 'remove it') continue;
    const key = e.data?.key;
    const d = e.data?.path !== undefined ? re.exec(e.data.path) : null;
    if (key === undefined || !d) continue;
    const known = knownKeysAt(distObjectSchema, d[1]!.split('.').filter(Boolean));
    if (known.length) e.hint = suggestionHint(key, known, `allowed keys: ${known.join(', ')}`);
  }
}

/** When the file fails its schema, still check the strategies list so every problem shows at once. */
function rawStrategyErrors(text: string, file: string): Diagnostic[] {
  let raw: unknown;
  try {
    raw = parseYamlValue(text, { logLevel: 'silent', maxAliasCount: 100 });
  } catch {
    return [];
  }
  const items = raw && typeof raw === 'object' ? (raw as { strategies?: unknown }).strategies : undefined;
  if (
    !Array.isArray(items) ||
    !items.every(
      (i) => i && typeof i === 'object' && !Array.isArray(i) && typeof (i as { use?: unknown }).use === 'string',
    )
  )
    return [];
  const errors: Diagnostic[] = [];
  checkStrategies(items as StrategyItem[], (path) => locate(text, file, path), errors);
  return errors;
}

/** A date-time without a zone is UTC (Date.parse would read it in the machine's local zone). */
function utc(dateTime: string): string {
  return /(Z|[+-]\d{2}:?\d{2})$/.test(dateTime) ? dateTime : `${dateTime.replace(' ', 'T')}Z`;
}

function isMissingAt(root: unknown, path: readonly PropertyKey[]): boolean {
  let cur: unknown = root;
  for (const seg of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return false;
    cur = (cur as Record<PropertyKey, unknown>)[seg as string];
  }
  return (
    cur !== null &&
    typeof cur === 'object' &&
    !Array.isArray(cur) &&
    !Object.hasOwn(cur, path[path.length - 1] as string)
  );
}

/** Read and validate a scenario file or throw a UserError listing every problem (`traffic`: see parseScenarioText). */
export function loadScenarioFile(
  path: string,
  shownAs: string = path,
  traffic?: TrafficFrom,
): { scenario: Scenario; warnings: Diagnostic[] } {
  const text = readText(path, 'scenario');
  const r = parseScenarioText(text, shownAs, dirname(path), traffic);
  if (!r.value) throw new UserError(r.errors);
  return { scenario: r.value, warnings: r.warnings };
}
