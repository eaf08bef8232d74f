// Many variants of a scenario (a sweep's configurations, advise's alternatives) over one read of
// their traffic. Variants that read it the same way - the same log options, or the same profile
// and seed, under the same prices - share one request table (a log read and checked once, a
// profile generated once) and run over it together: in parallel worker threads (parallel.ts),
// sharing the leading stages they have in common (engine/run.ts startRuns). Each report is the one
// its variant gives alone (runScenario).
import { type Diagnostic, UserError } from '../diagnostics.js';
import type { SimRequest } from '../engine/request.js';
import { finishRun, type RunResult, type RunSetup, startRuns } from '../engine/run.js';
import { pricingKey } from '../pricing/load.js';
import type { SourceStats } from '../traffic/source.js';
import { runConfigs } from './parallel.js';
import {
  type PreparedScenario,
  readTraffic,
  type RunScenarioInput,
  runOnTable,
  runPrepared,
  runSetup,
  type ScenarioRun,
  scenarioReport,
  scenarioTraffic,
  type SharedTraffic,
  threadsFor,
  warnerOf,
} from './scenario.js';

/** What reading a prepared scenario's traffic depends on: variants with the same key share one read. */
function readKey(prep: PreparedScenario): string {
  const t = prep.scenario.traffic;
  // a profile's requests are drawn from the seed; the book checks a log's rows and a profile's context windows
  return JSON.stringify([t.log ?? { profile: t.profile, seed: prep.seed }, pricingKey(prep.book)]);
}

/** The tables read so far, by what reading depended on; kept for later variants until closed. */
export class TrafficReads {
  private readonly tables = new Map<string, SharedTraffic>();

  get(key: string): SharedTraffic | undefined {
    return this.tables.get(key);
  }

  set(key: string, shared: SharedTraffic): void {
    this.tables.set(key, shared);
  }

  close(): void {
    for (const t of this.tables.values()) t.table.close();
    this.tables.clear();
  }
}

export interface VariantOptions {
  /** variant i's warnings (default: input.warn); the reads' own warnings go to input.warn, once per read */
  warnOf?: (i: number) => (d: Diagnostic | string) => void;
  /** an error of variant i, as thrown (a sweep names the configuration's --set flags) */
  located?: (i: number, e: unknown) => unknown;
  /** tables kept for later calls (advise's combined run), closed by the caller; else closed here */
  reads?: TrafficReads;
  /** before the variants `members` run (indices into the list) */
  onGroup?: (members: number[]) => void;
}

/**
 * Variants of a profile from which, with more than one thread, the profile is generated into the
 * request table and they run over it in parallel; fewer share one streamed pass on this thread.
 * Measured on 2 idle cores: generating a profile costs less than reading its requests back from
 * a table (system-prompt-8k, 200,000 requests, 2 TTLs: 2.9 s over the table on 2 threads, ~1.5 s
 * streamed), but 13 alternatives over it on 2 threads beat one pass (advise support-bot: 4.7 s
 * against 7.5 s; chatbot-10k: 3.7 s against 6.2 s).
 */
const PROFILE_TABLE_MIN_VARIANTS = 8;

/**
 * Run prepared variants, grouped by what reading their traffic depends on: a log's group read
 * once into a table (or found in `reads`) and its variants run over it in parallel; a profile's
 * group generated once as it streams, every variant fed from the one pass on this thread (bounded
 * memory) unless there are threads and many variants, or threads were asked for (--threads N):
 * then as a log. A group's failure is the first of its variants' errors, in order, as if each ran
 * alone.
 */
export async function runVariants(
  preps: readonly PreparedScenario[],
  input: RunScenarioInput,
  options: VariantOptions = {},
): Promise<ScenarioRun[]> {
  const warn = warnerOf(input);
  const warnOf = options.warnOf ?? (() => warn);
  const located = options.located ?? ((_i: number, e: unknown) => e);
  const groups = new Map<string, number[]>();
  preps.forEach((p, i) => {
    const key = readKey(p);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const reads = options.reads ?? new TrafficReads();
  const threads = input.threads ?? 1;
  const tableForProfile = (n: number): boolean =>
    threads > 1 && ((input.explicitThreads ?? false) || n >= PROFILE_TABLE_MIN_VARIANTS);
  const out: ScenarioRun[] = new Array(preps.length);
  try {
    for (const [key, members] of groups) {
      options.onGroup?.(members);
      const first = members[0]!;
      let shared = reads.get(key);
      if (!shared && preps[first]!.scenario.traffic.profile && !tableForProfile(members.length)) {
        const done = await streamGroup(preps, members, input, warnOf, located);
        members.forEach((i, k) => {
          out[i] = done[k]!;
        });
        continue;
      }
      const fresh = !shared;
      if (!shared) {
        try {
          shared = await readTraffic(preps[first]!, { ...input, scenario: preps[first]!.scenario });
        } catch (e) {
          throw located(first, e);
        }
        reads.set(key, shared);
      }
      const done = await runGroup(preps, members, shared, input, warnOf, located);
      // the read's own warnings (rows rejected, skipped, ...) once, after its first runs' (as runScenario says them)
      if (fresh) for (const w of shared.stats.warnings) warn(w);
      members.forEach((i, k) => {
        out[i] = scenarioReport(
          preps[i]!,
          { ...input, warn: warnOf(i) },
          done.runs[k]!,
          shared.stats,
          done.warnings[k]!,
        );
      });
    }
  } finally {
    if (!options.reads) reads.close();
  }
  return out;
}

/** A profile's group: its traffic generated once, as it streams, every variant fed from the pass. */
async function streamGroup(
  preps: readonly PreparedScenario[],
  members: number[],
  input: RunScenarioInput,
  warnOf: (i: number) => (d: Diagnostic | string) => void,
  located: (i: number, e: unknown) => unknown,
): Promise<ScenarioRun[]> {
  const first = members[0]!;
  if (members.length === 1) {
    try {
      return [await runPrepared(preps[first]!, { ...input, warn: warnOf(first) })];
    } catch (e) {
      throw located(first, e);
    }
  }
  input.verbose?.(
    `${members.length} configurations over one pass of the profile's traffic, on one thread (a profile streams in bounded memory; --threads N to spread them over a table of it)`,
  );
  const warnings = members.map(() => [] as Diagnostic[]);
  const setups: RunSetup[] = members.map((i, k) => runSetup(preps[i]!, input, warnings[k]!, warnOf(i)));
  const pass = async (list: RunSetup[]): Promise<{ runs: RunResult[]; stats: SourceStats }> => {
    const traffic = scenarioTraffic(preps[first]!, input);
    const runs = startRuns(list);
    for await (const batch of traffic.source as AsyncIterable<SimRequest[]>) runs.push(batch);
    const parts = runs.end();
    const results = list.map((s, k) => finishRun(s, [parts[k]!]));
    return { runs: results, stats: traffic.stats(results[0]!.requests) };
  };
  let done: { runs: RunResult[]; stats: SourceStats };
  try {
    done = await pass(setups);
  } catch (e) {
    const f = await firstFailing(members, e, (k) => pass([{ ...setups[k]!, warn: undefined }]));
    throw located(f.i, f.e);
  }
  const warn = warnerOf(input);
  for (const w of done.stats.warnings) warn(w);
  return members.map((i, k) =>
    scenarioReport(preps[i]!, { ...input, warn: warnOf(i) }, done.runs[k]!, done.stats, warnings[k]!),
  );
}

/** One group's runs over their shared table (a lone variant split over the threads when its strategies allow), with each one's warnings. */
async function runGroup(
  preps: readonly PreparedScenario[],
  members: number[],
  shared: SharedTraffic,
  input: RunScenarioInput,
  warnOf: (i: number) => (d: Diagnostic | string) => void,
  located: (i: number, e: unknown) => unknown,
): Promise<{ runs: RunResult[]; warnings: Diagnostic[][] }> {
  // the work is every variant's pass over the table: a batch of small runs can repay the threads too
  const threads = threadsFor(shared.table.rows * members.length, input.threads ?? 1, input.explicitThreads ?? false);
  const warnings = members.map(() => [] as Diagnostic[]);
  const setups: RunSetup[] = members.map((i, k) => runSetup(preps[i]!, input, warnings[k]!, warnOf(i)));
  let runs: RunResult[];
  if (members.length === 1) {
    try {
      runs = [await runOnTable(shared, setups[0]!, threads, input.verbose)];
    } catch (e) {
      throw located(members[0]!, e);
    }
  } else {
    const lanes = Math.min(threads, members.length);
    input.verbose?.(
      `${members.length} configurations over one read of the ${preps[members[0]!]!.scenario.traffic.log ? 'log' : 'profile'} (${shared.table.rows.toLocaleString('en-US')} requests), on ${lanes} thread${lanes === 1 ? '' : 's'}`,
    );
    try {
      runs = await runConfigs(shared.table.data(), setups, threads);
    } catch (e) {
      const f = await firstFailing(members, e, (k) =>
        runConfigs(shared.table.data(), [{ ...setups[k]!, warn: undefined }], 1),
      );
      throw located(f.i, f.e);
    }
  }
  return { runs, warnings };
}

/** The variant that fails first when each runs alone (`alone(k)`), in order, and its error (the batch met some variant's first). */
async function firstFailing(
  members: number[],
  e: unknown,
  alone: (k: number) => Promise<unknown>,
): Promise<{ i: number; e: unknown }> {
  if (e instanceof UserError)
    for (const [k, i] of members.entries()) {
      try {
        await alone(k);
      } catch (own) {
        return { i, e: own };
      }
    }
  return { i: members[0]!, e };
}
