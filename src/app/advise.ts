// `advise SCENARIO|LOG`: the engine run over alternatives the user did not write - the cache TTL
// (5m vs 1h) for all traffic and per prefix family, where the explicit-cache breakpoints go, and
// which features could go through the batch API - keeping only the changes whose OWN simulation
// costs less than the scenario as written. No rule of thumb decides: every listed saving is the
// difference of two full runs with the same seed and traffic.
import { basename, resolve } from 'node:path';
import { loadScenarioFile, parseScenarioText, type Scenario, type ScenarioStage } from '../config/scenario.js';
import { userError, warning } from '../diagnostics.js';
import { type AdviseReport, type Candidate, buildAdviseReport } from '../report/advise.js';
import { usd } from '../report/format.js';
import type { Report } from '../report/model.js';
import { batch } from '../strategies/batch.js';
import { promptCache, type PromptCacheOptions } from '../strategies/prompt-cache/index.js';
import type { Position } from '../strategies/prompt-cache/placement.js';
import { type Context, makeContext } from './context.js';
import type { LogInput } from './replay.js';
import { type PreparedScenario, prepareScenario, type RunChoice, type RunScenarioInput } from './scenario.js';
import { runVariants, TrafficReads } from './variants.js';

export interface AdviseInput extends RunChoice {
  /** a scenario file (.yaml/.yml), or a request log read with `log` options */
  input: string;
  /** how to read a log (preset, model, ...); ignored for a scenario */
  log?: Omit<LogInput, 'log' | 'pricing' | 'asOf' | 'catalog' | 'deployments'>;
  /** warn (PRICING_STALE) when the table is older than this many days on the traffic's last date (or --as-of) */
  staleAfterDays?: number;
  /** the dimension naming a prefix family for per-family TTLs (default prompt_version) */
  familyBy?: string;
  /** families tried one by one: the largest N by cost (default 8) */
  maxFamilies?: number;
  /** threads the alternatives run on (default 1); explicitThreads: asked for, so even small traffic uses them */
  threads?: number;
  explicitThreads?: boolean;
  /** told how the runs were spread over the threads (--verbose) */
  verbose?: (message: string) => void;
}

/** Breakpoint policies tried for an explicit cache (placement.ts positions), besides the scenario's own. */
const BREAKPOINT_SETS: Position[][] = [
  ['system'],
  ['system', 'history'],
  ['system', 'prompt'],
  ['history', 'prompt'],
  ['system', 'history', 'prompt'],
];
const SCOPES = ['system', 'conversation', 'all'] as const;
const isLogFile = (f: string): boolean => !/\.ya?ml$/i.test(f);
const other = (t: '5m' | '1h'): '5m' | '1h' => (t === '5m' ? '1h' : '5m');
const yamlList = (xs: Position[]): string => `[${xs.join(', ')}]`;

/** Set keys (YAML lines) on the cache step `step`, or, without one, add a prompt-cache step carrying them. */
function cacheChange(step: string | null, yaml: string): Candidate['change'] {
  if (step) return { action: 'set', step, yaml };
  return { action: 'add', step: null, yaml: `- use: prompt-cache\n${yaml.replace(/^/gm, '  ')}` };
}

/** One alternative: its description, the YAML to apply, and the scenario it runs. */
interface Plan {
  kind: Candidate['kind'];
  title: string;
  change: Candidate['change'];
  condition?: string;
  scenario: Scenario;
  /** a family (per-family TTL) its saving is combined with the others' */
  family?: string;
  /** the plain 5-minute cache step added to a scenario without one: what the other cache changes are judged against */
  reference?: true;
}

function loadInput(input: AdviseInput, ctx: Context): Scenario {
  if (!isLogFile(input.input)) {
    const loaded = loadScenarioFile(resolve(ctx.io.cwd, input.input), input.input);
    for (const w of loaded.warnings) ctx.warn(w);
    return loaded.scenario;
  }
  // a log: the scenario "as written" is the log with no strategy
  const o = input.log ?? {};
  const file = input.input === '-' ? '-' : resolve(ctx.io.cwd, input.input);
  const loaded = parseScenarioText(
    `name: ${JSON.stringify(basename(input.input))}\nseed: 1\nstrategies: []\n`,
    input.input,
    ctx.io.cwd,
    () => ({
      log: {
        file,
        ...(o.preset ? { preset: o.preset } : {}),
        ...(o.map && Object.keys(o.map).length ? { map: o.map } : {}),
        ...(o.model ? { model: o.model } : {}),
        ...(o.timestamp !== undefined ? { timestamp: o.timestamp } : {}),
        ...(o.timestampRange ? { timestampRange: o.timestampRange } : {}),
      },
    }),
  );
  if (!loaded.value) throw new Error(`internal: advise could not wrap the log: ${JSON.stringify(loaded.errors)}`);
  return { ...loaded.value, namedPaths: [] };
}

/** A new stage of `strategy` with `raw` options (checked and defaulted by its schema). */
function newStage(scenario: Scenario, use: 'prompt-cache' | 'batch', label: string, raw: unknown): ScenarioStage {
  const strategy = use === 'batch' ? batch : promptCache;
  return { use, label, strategy, options: strategy.options.parse(raw), index: scenario.stages.length };
}

const withStage = (s: Scenario, k: number, stage: ScenarioStage): Scenario => ({
  ...s,
  stages: s.stages.map((x, i) => (i === k ? stage : x)),
});
const appended = (s: Scenario, stage: ScenarioStage): Scenario => ({ ...s, stages: [...s.stages, stage] });

/** The largest families of a dimension by baseline cost, without the "(none)" bucket. */
function families(report: Report, dim: string, max: number): string[] {
  return (report.by?.[dim] ?? [])
    .filter((r) => r.key !== '(none)' && r.requests > 0)
    .sort((a, b) => b.baselineCost - a.baselineCost || (a.key < b.key ? -1 : 1))
    .slice(0, max)
    .map((r) => r.key);
}

/** Every alternative worth a run: pure, from the scenario and what its own run saw. */
export function plan(scenario: Scenario, current: Report, familyBy: string, maxFamilies: number): Plan[] {
  const plans: Plan[] = [];
  const k = scenario.stages.findIndex((s) => s.use === 'prompt-cache');
  const cacheStage = k >= 0 ? scenario.stages[k]! : undefined;
  // The cache step the alternatives change: the scenario's own, or a new one (5m, all prefix blocks).
  const at = (mut: (o: PromptCacheOptions) => PromptCacheOptions): Scenario => {
    if (cacheStage)
      return withStage(scenario, k, { ...cacheStage, options: mut(cacheStage.options as PromptCacheOptions) });
    const fresh = newStage(scenario, 'prompt-cache', 'prompt-cache', { ttl: '5m' });
    return appended(scenario, { ...fresh, options: mut(fresh.options as PromptCacheOptions) });
  };
  const step = cacheStage ? `strategies[${k}] (${cacheStage.label})` : null;
  const set = (yaml: string): Candidate['change'] => cacheChange(step, yaml);
  const ttl = ((cacheStage?.options as PromptCacheOptions | undefined)?.ttl ?? '5m') as '5m' | '1h';
  if (cacheStage) {
    plans.push({
      kind: 'cache',
      title: `no prompt caching (without ${cacheStage.label})`,
      change: { action: 'remove', step: step!, yaml: '' },
      scenario: { ...scenario, stages: scenario.stages.filter((_, i) => i !== k) },
    });
  } else {
    plans.push({
      kind: 'cache',
      title: 'cache prompt prefixes (prompt-cache, 5-minute TTL)',
      change: { action: 'add', step: null, yaml: '- use: prompt-cache\n  ttl: 5m' },
      scenario: at((o) => o),
      reference: true,
    });
  }
  plans.push({
    kind: 'ttl',
    title: `${other(ttl) === '1h' ? '1-hour' : '5-minute'} cache TTL for all traffic`,
    change: set(`ttl: ${other(ttl)}`),
    scenario: at((o) => ({ ...o, ttl: other(ttl), ttls: undefined })),
  });
  const fams = families(current, familyBy, maxFamilies);
  if (fams.length > 1) {
    for (const f of fams) {
      const own = ((cacheStage?.options as PromptCacheOptions | undefined)?.ttls?.[f] ?? ttl) as '5m' | '1h';
      plans.push({
        kind: 'family-ttl',
        title: `${other(own) === '1h' ? '1-hour' : '5-minute'} TTL for ${familyBy} '${f}' only`,
        change: set(`ttl_by: ${familyBy}\nttls: { ${JSON.stringify(f)}: ${other(own)} }`),
        family: f,
        scenario: at((o) => ({ ...o, ttl_by: familyBy, ttls: { ...(o.ttls ?? {}), [f]: other(own) } })),
      });
    }
  }
  const cacheOptions = cacheStage?.options as PromptCacheOptions | undefined;
  const current_ = cacheOptions?.breakpoints ?? ['system', 'history', 'prompt'];
  for (const positions of BREAKPOINT_SETS) {
    if (positions.join() === current_.join()) continue;
    plans.push({
      kind: 'breakpoints',
      title: `breakpoints at ${positions.join(' + ')}`,
      change: set(`breakpoints: ${yamlList(positions)}`),
      scenario: at((o) => ({ ...o, breakpoints: positions })),
    });
  }
  const scope = cacheOptions?.scope ?? 'all';
  for (const s of SCOPES) {
    if (s === scope) continue;
    plans.push({
      kind: 'breakpoints',
      title: `cache scope ${s}`,
      change: set(`scope: ${s}`),
      scenario: at((o) => ({ ...o, scope: s })),
    });
  }
  // Batch eligibility by feature: a feature whose answers can wait for the batch window.
  const hasBatch = scenario.stages.some((s) => s.use === 'batch');
  for (const f of families(current, 'feature', maxFamilies)) {
    plans.push({
      kind: 'batch',
      title: `batch API for feature '${f}'`,
      change: {
        action: 'add',
        step: null,
        yaml: `- use: batch\n  label: ${JSON.stringify(`batch-${f}`)}\n  only_batchable: false\n  window: 24h\n  when: { tags: { feature: ${JSON.stringify(f)} } }`,
      },
      condition: `only if '${f}' can wait up to 24 hours for its answers`,
      scenario: appended(
        scenario,
        newStage(scenario, 'batch', `batch-${f}`, {
          only_batchable: false,
          window: 86_400_000,
          when: { tags: { feature: f } },
        }),
      ),
    });
  }
  if (!hasBatch) {
    plans.push({
      kind: 'batch',
      title: 'batch API for the requests marked batchable',
      change: { action: 'add', step: null, yaml: '- use: batch\n  only_batchable: true\n  window: 24h' },
      scenario: appended(scenario, newStage(scenario, 'batch', 'batch', { only_batchable: true, window: 86_400_000 })),
    });
  }
  return plans;
}

export async function advise(input: AdviseInput, context: Partial<Context> = {}): Promise<AdviseReport> {
  const ctx = makeContext(context);
  const scenario = loadInput(input, ctx);
  const familyBy = input.familyBy ?? 'prompt_version';
  const maxFamilies = input.maxFamilies ?? 8;
  const seed = input.seed ?? scenario.seed;
  const loud: RunScenarioInput = {
    io: ctx.io,
    pricing: { pricing: input.pricing, asOf: input.asOf },
    models: { catalog: input.catalog, deployments: input.deployments, overlay: input.overlay },
    seed,
    cacheRealism: input.cacheRealism,
    ...(input.staleAfterDays !== undefined ? { staleAfterDays: input.staleAfterDays } : {}),
    by: [familyBy, 'feature'],
    allowPaths: input.allowPaths,
    threads: input.threads ?? 1,
    explicitThreads: input.explicitThreads ?? false,
    ...(input.verbose ? { verbose: input.verbose } : {}),
    warn: (d) => ctx.warn(d),
    command: 'advise',
    version: ctx.version,
  };
  // the alternatives' notes and warnings would repeat the scenario's own, once per run
  const quiet: RunScenarioInput = { ...loud, io: { ...ctx.io, stderr: { write: () => true } }, warn: () => undefined };
  const prepared = (s: Scenario, how: RunScenarioInput): PreparedScenario => prepareScenario({ ...how, scenario: s });
  // The traffic is read (or generated) once; the scenario as written runs first (the alternatives
  // are planned from what it saw), then every alternative over the same table, in parallel.
  const reads = new TrafficReads();
  try {
    const [first] = await runVariants([prepared(scenario, loud)], loud, { reads });
    const current = first!.report;
    if (current.requests === 0)
      throw userError('NO_REQUESTS', `${input.input} has no priced request: nothing to advise on`, {
        where: input.input,
        hint: isLogFile(input.input)
          ? 'check the log with `llmcost replay LOG`'
          : 'check the scenario with `llmcost simulate`',
      });
    const plans = plan(scenario, current, familyBy, maxFamilies);
    const runs = await runVariants(
      plans.map((p) => prepared(p.scenario, quiet)),
      quiet,
      { reads },
    );
    // The families that each paid off, together: verified by a run of its own too. Without a cache
    // step in the scenario, every cache alternative adds one, so a family pays off only when it
    // costs less than the plain 5-minute step (else its "saving" is that step's, whatever its TTL).
    const reference = plans.findIndex((p) => p.reference);
    const bar = Math.round((reference >= 0 ? runs[reference]!.report : current).final.cost * 1e6);
    // A log that already caches, without prefix columns: the cache alternatives re-simulate its
    // caching from prefixes inferred from its counts, so they are judged against that caching
    // re-simulated as it ran (the 5-minute step), not against the billed cost: the difference
    // between those two is the inference's error, not a saving.
    const inferred =
      reference >= 0 && runs[reference]!.report.diagnostics?.some((d) => d.code === 'STRATEGY_INFERRED') === true;
    const asWritten = Math.round(current.final.cost * 1e6);
    const barOf = (p: Plan): number => (inferred && p.kind !== 'batch' ? bar : asWritten);
    const tried = plans.map((p, i) => candidateOf(barOf(p), p, runs[i]!.report));
    const notes: string[] = [];
    if (inferred) {
      const d = warning(
        'STRATEGY_INFERRED',
        `the log reports cache counts and has no prefix columns: the cache changes re-simulate its caching from prefixes inferred from those counts, so their savings are measured from its caching re-simulated by the plain 5-minute step (${usdText(bar)}), not from the billed ${usdText(asWritten)} (the difference is the inference's error, not a saving)`,
        { where: input.input },
      );
      ctx.warn(d);
      notes.push(d.message);
    }
    const paying = plans.filter((p, i) => p.family !== undefined && Math.round(tried[i]!.cost * 1e6) < bar);
    if (paying.length > 1) {
      const ttlsOf = (p: Plan) =>
        (p.scenario.stages.find((s) => s.use === 'prompt-cache')!.options as PromptCacheOptions).ttls ?? {};
      const ttls = Object.assign({}, ...paying.map(ttlsOf)) as Record<string, '5m' | '1h'>;
      const base = paying[0]!.scenario;
      const k = base.stages.findIndex((s) => s.use === 'prompt-cache');
      const stage = base.stages[k]!;
      const both: Plan = {
        kind: 'family-ttl',
        title: `per-family TTLs for ${paying.map((p) => `'${p.family}'`).join(', ')} together`,
        change: cacheChange(
          paying[0]!.change.step,
          `ttl_by: ${familyBy}\nttls: { ${Object.entries(ttls)
            .map(([f, t]) => `${JSON.stringify(f)}: ${t}`)
            .join(', ')} }`,
        ),
        scenario: withStage(base, k, { ...stage, options: { ...(stage.options as PromptCacheOptions), ttls } }),
      };
      const [run] = await runVariants([prepared(both.scenario, quiet)], quiet, { reads });
      tried.push(candidateOf(barOf(both), both, run!.report));
    }
    return buildAdviseReport({ input: input.input, familyBy, current, tried, notes, version: ctx.version });
  } finally {
    reads.close();
  }
}

/** micro-dollars as the reports' USD text ($0.0593, $1,234.56) */
const usdText = (micro: number): string => usd(micro / 1e6);

/** An alternative's figures beside the cost it is judged against (`bar`, micro-dollars: the scenario as written, or the re-simulated caching). */
function candidateOf(bar: number, p: Plan, r: Report): Candidate {
  return {
    kind: p.kind,
    title: p.title,
    change: p.change,
    condition: p.condition ?? null,
    cost: r.final.cost,
    saving: (bar - Math.round(r.final.cost * 1e6)) / 1e6,
    successRate: r.final.successRate,
    checksFailed: r.checks.filter((c) => !c.ok).map((c) => c.name),
  };
}
