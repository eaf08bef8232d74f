// `diff`: the cost review of a change. BASE and HEAD (two versions of a scenario: before and after
// a prompt, routing or strategy change) each run once, with the same seed and, when their traffic
// sections agree, the same requests; report/diff/model.ts compares the two reports line by line.
import { resolve } from 'node:path';
import { loadScenarioFile, type Scenario } from '../config/scenario.js';
import { buildDiffReport, type DiffLimits, type DiffReport } from '../report/diff/model.js';
import { type Context, makeContext, onceEach } from './context.js';
import { type RunChoice, runScenario } from './scenario.js';
import { DEFAULT_STALE_AFTER_DAYS } from '../pricing/staleness.js';

export interface DiffInput extends RunChoice {
  /** the scenario before the change (a file, relative to the Io's cwd) */
  base: string;
  /** the scenario after the change */
  head: string;
  /** how the report names each side (default: the file as given), e.g. "main:scenarios/bot.yaml" */
  baseName?: string;
  headName?: string;
  /** 'base': run HEAD's strategies on BASE's traffic (the change to the traffic left out) */
  traffic?: 'each' | 'base';
  /** extra attribution dimensions, on both sides */
  by?: string[];
  limits: DiffLimits;
}

/** Traffic sections compared as data (a log's path is resolved, so two spellings of one file agree). */
const sameTraffic = (a: Scenario, b: Scenario): boolean => JSON.stringify(a.traffic) === JSON.stringify(b.traffic);

export async function diff(input: DiffInput, context: Partial<Context> = {}): Promise<DiffReport> {
  const ctx = makeContext(context);
  // Both sides often say the same thing (one log, one table, one strategy file): each once.
  const warn = onceEach(ctx.warn);
  const load = (file: string): Scenario => {
    const loaded = loadScenarioFile(resolve(ctx.io.cwd, file), file);
    for (const w of loaded.warnings) warn(w);
    return loaded.scenario;
  };
  const base = load(input.base);
  let head = load(input.head);
  if (input.traffic === 'base') head = { ...head, traffic: base.traffic };
  const seed = input.seed ?? base.seed;
  const notes: string[] = [];
  if (input.seed === undefined && head.seed !== base.seed)
    notes.push(
      `HEAD's seed ${head.seed} is not used: both sides run with BASE's seed ${seed} (same draws, same traffic)`,
    );
  for (const n of notes) warn(n);
  const same = sameTraffic(base, head);
  const run = async (scenario: Scenario, notes?: false) =>
    (
      await runScenario({
        scenario,
        io: ctx.io,
        pricing: { pricing: input.pricing, asOf: input.asOf },
        models: { catalog: input.catalog, deployments: input.deployments, overlay: input.overlay },
        seed,
        cacheRealism: input.cacheRealism,
        // PRICING_STALE as simulate says it: the absolute figures of a review are only as fresh as its table
        staleAfterDays: DEFAULT_STALE_AFTER_DAYS,
        by: input.by ?? [],
        allowPaths: input.allowPaths,
        warn,
        // the log reader's note (the preset it detected) once, when HEAD reads BASE's traffic again
        ...(notes === false ? { notes } : {}),
        command: 'diff',
        version: ctx.version,
      })
    ).report;
  const baseReport = await run(base);
  const headReport = await run(head, same ? false : undefined);
  return buildDiffReport({
    base: { file: input.baseName ?? input.base, report: baseReport },
    head: { file: input.headName ?? input.head, report: headReport },
    sameTraffic: same,
    limits: input.limits,
    version: ctx.version,
    warnings: notes,
  });
}
