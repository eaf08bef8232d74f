// Load a scenario file: schema -> normalise -> named cross-field rules, returning
// {value, errors, warnings} so the user sees every problem at once. Strategy options are
// validated with the strategy's own schema; relative paths resolve from the scenario file.
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Diagnostic, suggestionHint, UserError } from '../diagnostics.js';
import { readText } from '../pricing/load.js';
import { STRATEGIES, strategyNames } from '../strategies/registry.js';
import type { Strategy } from '../strategies/types.js';
import { type Profile, profileProblems } from '../traffic/profile.js';
import { formatPath, knownKeysAt, locate, type Loaded, parseYaml } from './yaml.js';
import { type ScenarioFile, scenarioSchema } from './scenario-schema.js';

export interface ScenarioStage {
  use: string;
  label: string;
  strategy: Strategy;
  options: unknown;
  /** 0-based index in the file's strategies list */
  index: number;
}

export interface LogTraffic {
  /** absolute path */
  file: string;
  preset?: string;
  map?: Record<string, string>;
  model?: string;
  strict?: boolean;
  rejectsFile?: string;
}

export interface Scenario {
  /** the path as the user gave it (for messages) */
  file: string;
  /** directory relative paths resolve from */
  dir: string;
  name: string;
  description?: string;
  seed: number;
  pricing?: { file?: string; version?: string; asOf?: string };
  traffic: { profile: Profile; log?: undefined } | { log: LogTraffic; profile?: undefined };
  stages: ScenarioStage[];
  by: string[];
  budgets: NonNullable<ScenarioFile['budgets']>;
  quality?: { floor: number };
  fixedCosts: { label: string; usd: string }[];
  /** file:line:col of a path in the scenario (for errors found later, e.g. an unknown model) */
  where(path: readonly (string | number)[]): string;
}

const abs = (dir: string, p: string): string => (isAbsolute(p) ? p : resolve(dir, p));

/** Parse and validate scenario text. `file` is shown in messages; `dir` resolves relative paths. */
export function parseScenarioText(text: string, file: string, dir: string): Loaded<Scenario> {
  const { value, errors, warnings } = parseYaml(text, file, scenarioSchema);
  if (!value) return { errors, warnings };
  const where = (path: readonly (string | number)[]): string => locate(text, file, path);
  const err = (code: Diagnostic['code'], path: readonly (string | number)[], message: string, hint: string): void => {
    errors.push({ code, severity: 'error', message, where: where(path), hint });
  };

  if (value.traffic.profile) {
    for (const p of profileProblems(value.traffic.profile)) {
      const d: Diagnostic = { code: 'SCHEMA', severity: p.severity, message: p.message, where: where(['traffic', 'profile', ...p.path]), hint: p.hint };
      (p.severity === 'error' ? errors : warnings).push(d);
    }
  }

  const stages: ScenarioStage[] = [];
  const labels = new Set<string>();
  value.strategies.forEach((item, i) => {
    const { use, label, ...options } = item;
    const strategy = STRATEGIES.find((s) => s.name === use);
    if (!strategy) {
      err('UNKNOWN_STRATEGY', ['strategies', i, 'use'], `unknown strategy '${use}' in strategies[${i}]`, suggestionHint(use, strategyNames(), `known strategies: ${strategyNames().join(', ') || '(none registered)'}`));
      return;
    }
    const parsed = strategy.options.safeParse(options);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = ['strategies', i, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
        if (issue.code === 'unrecognized_keys') {
          const known = [...knownKeysAt(strategy.options, issue.path), 'use', 'label'];
          for (const key of (issue as { keys: string[] }).keys) {
            err('UNKNOWN_KEY', [...path, key], `unknown option '${key}' for strategy '${use}' in ${formatPath(path)}`, suggestionHint(key, known, `options of '${use}': ${known.join(', ')}`));
          }
          continue;
        }
        const input = (issue as { input?: unknown }).input;
        const missing = issue.code === 'invalid_type' && input === undefined && issue.path.length > 0;
        err('SCHEMA', missing ? path.slice(0, -1) : path, `strategy '${use}' ${formatPath(path)}: ${missing ? `missing required option '${String(issue.path[issue.path.length - 1])}'` : issue.message}`, `see \`llmcost schema scenario\` or docs/scenarios.md for the options of '${use}'`);
      }
      return;
    }
    const lab = label ?? use;
    if (labels.has(lab)) {
      err('SCHEMA', ['strategies', i], `two strategies are labelled '${lab}'`, 'give each repeated strategy its own `label:` so the waterfall rows can be told apart');
      return;
    }
    labels.add(lab);
    stages.push({ use, label: lab, strategy, options: parsed.data, index: i });
  });

  const budgets = value.budgets ?? {};
  const by = [...(value.report?.by ?? [])];
  if (errors.length) return { errors, warnings };

  const t = value.traffic;
  const log = t.log
    ? {
        file: abs(dir, t.log.file),
        ...(t.log.preset !== undefined ? { preset: t.log.preset } : {}),
        ...(t.log.map !== undefined ? { map: t.log.map } : {}),
        ...(t.log.model !== undefined ? { model: t.log.model } : {}),
        ...(t.log.strict !== undefined ? { strict: t.log.strict } : {}),
        ...(t.log.rejects !== undefined ? { rejectsFile: abs(dir, t.log.rejects) } : {}),
      }
    : undefined;
  const pricing = value.pricing
    ? {
        ...(value.pricing.file !== undefined ? { file: abs(dir, value.pricing.file) } : {}),
        ...(value.pricing.version !== undefined ? { version: value.pricing.version } : {}),
        ...(value.pricing.as_of !== undefined ? { asOf: value.pricing.as_of } : {}),
      }
    : undefined;
  const scenario: Scenario = {
    file,
    dir,
    name: value.name,
    ...(value.description !== undefined ? { description: value.description } : {}),
    seed: value.seed,
    ...(pricing ? { pricing } : {}),
    traffic: log ? { log } : { profile: t.profile! },
    stages,
    by,
    budgets,
    ...(value.quality ? { quality: value.quality } : {}),
    fixedCosts: value.fixed_costs.map((f) => ({ label: f.label, usd: f.usd })),
    where,
  };
  return { value: scenario, errors, warnings };
}

/** Read and validate a scenario file or throw a UserError listing every problem. */
export function loadScenarioFile(path: string, shownAs: string = path): { scenario: Scenario; warnings: Diagnostic[] } {
  const text = readText(path, 'scenario');
  const r = parseScenarioText(text, shownAs, dirname(path));
  if (!r.value) throw new UserError(r.errors);
  return { scenario: r.value, warnings: r.warnings };
}
