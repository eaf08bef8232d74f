// One pass over the request stream. The baseline is tapped into ledger 0; after strategy k the
// stream is tapped into ledger k, so the waterfall is cumulative in scenario order at O(K) per
// request. --standalone adds, per strategy, a chain of that strategy alone on the baseline.
// Each source request goes through every stage before the next one starts (depth first), so an
// error is met at the first request that causes it. A run can also be split into parts (a sweep's
// configurations share nothing; one scenario's requests split by partition.ts): startRun() runs
// one part, finishRun() adds the parts' ledgers and counters exactly and orders the warnings, so
// the result is the same however the run was split.
import { type Diagnostic, UserError, warning } from '../diagnostics.js';
import type { Pricing } from '../pricing/pricebook.js';
import type { ModelView, OptionPath, Strategy, StrategyContext } from './strategy.js';
import { Ledger, type LedgerData, ledgerData } from './ledger.js';
import type { SimRequest } from './request.js';
import { drawStream, requestDraw, requestRng } from './rng.js';

export interface StageSpec {
  strategy: Strategy;
  options: unknown;
  /** label shown in the report (defaults to the strategy name) */
  label: string;
  /** file:line:col of an option of this stage in its scenario (default: strategies[i].path) */
  where?: (path: OptionPath) => string;
}

export interface RunSetup {
  stages: StageSpec[];
  /** one table, or the table in force per request (ledgers keep a cell per period) */
  book: Pricing;
  seed: number;
  by?: string[];
  standalone?: boolean;
  /** long-context thresholds to bucket by (default: the book's); drift passes the union of two books */
  thresholds?: number[];
  /** dimensions every tap (not only the baseline and the final one) is also kept by (a sample's units) */
  everyTapBy?: string[];
  /** strategies' coded warnings, each distinct one once, in stage order, when the run finishes */
  warn?: (d: Diagnostic) => void;
  /** which rules decide when a provider cache hits (default realistic) */
  cacheRealism?: string;
}

export interface RunInput extends RunSetup {
  /** batches of requests; consumed once */
  source: AsyncIterable<SimRequest[]> | Iterable<SimRequest[]>;
  onProgress?: (requests: number) => void;
}

export interface RunResult {
  /** taps[0] = baseline, taps[k] = after stage k */
  taps: Ledger[];
  /** standalone[k-1] = stage k alone on the baseline (when asked) */
  standalone?: Ledger[];
  thresholds: number[];
  /** requests read from the source (baseline count) */
  requests: number;
  /** the strategies' warnings, each once, in stage order (then by code and text) */
  warnings: Diagnostic[];
}

/** What one part of a run produced (plain data: it crosses between threads). */
export interface RunPart {
  taps: LedgerData[];
  standalone?: LedgerData[];
  requests: number;
  /** per stage, its run's counters (and its standalone run's) */
  counters: Record<string, number>[];
  soloCounters?: Record<string, number>[];
  /** distinct warnings with the 1-based position of the stage that gave them */
  warnings: { position: number; d: Diagnostic }[];
}

export interface ContextInput {
  models: ModelView;
  seed: number;
  /** 1-based position of the stage */
  position: number;
  /** the strategy's name (its RNG stream is derived from it and the position) */
  name: string;
  where?: (path: OptionPath) => string;
  warn?: (d: Diagnostic) => void;
  /** which rules decide when a provider cache hits (--cache-realism) */
  cacheRealism?: string;
}

/** The context a strategy's start() receives (the engine's, and tests' when they start one alone). */
export function strategyContext(c: ContextInput): StrategyContext {
  const where = c.where ?? ((path: OptionPath) => `strategies[${c.position - 1}]${showOptionPath(path)}`);
  const model = (name: string, path: OptionPath): ReturnType<ModelView['resolve']> => {
    try {
      return c.models.resolve(name);
    } catch (e) {
      // the option that named it, not the model name, is where the typo is
      if (e instanceof UserError) throw new UserError(e.diagnostics.map((d) => ({ ...d, where: where(path) })));
      throw e;
    }
  };
  // one draw stream per label, keyed by the seed and the stage (position and strategy name)
  const streams = new Map<string, number>();
  const stream = (label: string): number => {
    let k = streams.get(label);
    if (k === undefined) streams.set(label, (k = drawStream(c.seed, `strategy:${c.position}:${c.name}:${label}`)));
    return k;
  };
  return {
    seed: c.seed,
    position: c.position,
    draw: (req, label = '') => requestDraw(stream(label), req.id, req.line),
    drawRng: (req, label = '') => requestRng(stream(label), req.id, req.line),
    models: c.models,
    model,
    modelSet: (names, path) => (names ? new Set(names.map((n, i) => model(n, [...path, i]).id)) : undefined),
    where,
    warn: (code, message, hint) => c.warn?.(warning(code, message, { where: where([]), hint })),
    cacheRealism: c.cacheRealism,
  };
}

/** `.models[1]`, `.rules[0].to`: an option path as the scenario writes it. */
function showOptionPath(path: OptionPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/** Strategies see the models as the newest table (or the pinned one) prices them. */
export function modelView(book: Pricing): ModelView {
  return {
    resolve: (name) => book.resolve(name),
    has: (name) => book.lookup(name) !== undefined,
  };
}

const count = (v: number): boolean => Number.isInteger(v) && v >= 0;

function validRequest(r: SimRequest): string | undefined {
  if (!count(r.inputTokens)) return `inputTokens ${r.inputTokens} is not a non-negative integer`;
  if (!count(r.outputTokens)) return `outputTokens ${r.outputTokens} is not a non-negative integer`;
  if (!count(r.historyTokens)) return `historyTokens ${r.historyTokens} is not a non-negative integer`;
  if (r.cached) {
    const c = r.cached;
    if (!count(c.read) || !count(c.write5m) || !count(c.write1h))
      return `cached token counts ${c.read}/${c.write5m}/${c.write1h} are not non-negative integers`;
    if (c.read + c.write5m + c.write1h > r.inputTokens)
      return `cached tokens (${c.read + c.write5m + c.write1h}) exceed inputTokens (${r.inputTokens})`;
  }
  return undefined;
}

/** A run of the stages over requests pushed to it in source order; end() gives its part. */
export interface PartRun {
  push(batch: readonly SimRequest[]): void;
  end(): RunPart;
}

/** Start the strategies and the ledgers of one run (or of one part of a split run). */
export function startRun(setup: RunSetup): PartRun {
  const { stages, book, seed } = setup;
  const by = setup.by ?? [];
  const every = setup.everyTapBy ?? [];
  const thresholds = setup.thresholds ?? book.thresholds();
  const warnings = new Map<string, { position: number; d: Diagnostic }>();
  const warnAt =
    (position: number) =>
    (d: Diagnostic): void => {
      const key = `${d.code}\u0001${d.message}`;
      if (!warnings.has(key)) warnings.set(key, { position, d });
    };
  const view = modelView(book);
  const canonical = (m: string): string => book.resolve(m).id;
  const periodOf = book.tables().length > 1 ? (atMs: number) => book.periodOf(atMs) : undefined;
  const taps = Array.from(
    { length: stages.length + 1 },
    (_, k) => new Ledger(thresholds, [...(k === 0 || k === stages.length ? by : []), ...every], canonical, periodOf),
  );
  const contexts = stages.map((s, i) =>
    strategyContext({
      models: view,
      seed,
      position: i + 1,
      name: s.strategy.name,
      where: s.where,
      warn: warnAt(i + 1),
      cacheRealism: setup.cacheRealism ?? 'realistic',
    }),
  );
  const runs = stages.map((s, i) => s.strategy.start(s.options, contexts[i]!));
  const standalone = setup.standalone
    ? stages.map(() => new Ledger(thresholds, every, canonical, periodOf))
    : undefined;
  const soloRuns = setup.standalone ? stages.map((s, i) => s.strategy.start(s.options, contexts[i]!)) : undefined;
  const labels = stages.map((s) => s.label);

  // Every model name is checked once against the tables (a table or the catalog knows it in every
  // period, or in none): an unknown model is an error, never $0.
  const known = new Set<string>();
  let lastKnown = '';
  const check = (r: SimRequest, stage: string): void => {
    if (r.model !== lastKnown && !known.has(r.model)) {
      book.resolve(r.model, r.line !== undefined ? `line ${r.line}` : stage, book.periodOf(r.atMs));
      known.add(r.model);
    }
    lastKnown = r.model;
    const bad = validRequest(r);
    if (bad) throw new Error(`internal: ${stage} produced an invalid request ${r.id}: ${bad}`);
  };

  /** request q enters stage k (0-based): what it gives is tapped after k and goes on to k + 1 */
  const flow = (q: SimRequest, k: number): void => {
    const out = runs[k]!.step(q);
    const ledger = taps[k + 1]!;
    let answeringOut = 0;
    for (let i = 0; i < out.length; i++) {
      const o = out[i]!;
      // a request passed through unchanged was checked when it entered this stage
      if (o !== q) check(o, labels[k]!);
      if (o.answers !== false) answeringOut++;
      ledger.add(o);
      if (k + 1 < runs.length) flow(o, k + 1);
    }
    if (q.answers !== false && answeringOut === 0) ledger.dropped += 1;
  };
  const solo = (q: SimRequest, k: number): void => {
    const ledger = standalone![k]!;
    const out = soloRuns![k]!.step(q);
    let answeringOut = 0;
    for (const o of out) {
      if (o !== q) check(o, labels[k]!);
      if (o.answers !== false) answeringOut++;
      ledger.add(o);
    }
    if (q.answers !== false && answeringOut === 0) ledger.dropped += 1;
  };

  let requests = 0;
  const base = taps[0]!;
  return {
    push(batch) {
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i]!;
        check(r, 'baseline');
        base.add(r);
        if (runs.length) flow(r, 0);
        if (soloRuns) for (let k = 0; k < soloRuns.length; k++) solo(r, k);
      }
      requests += batch.length;
    },
    end() {
      // Flush held-back requests in order: what stage k releases still passes through k+1..K.
      for (let k = 0; k < runs.length; k++) {
        const out = runs[k]!.flush?.() ?? [];
        for (const o of out) {
          check(o, labels[k]!);
          taps[k + 1]!.add(o);
          if (k + 1 < runs.length) flow(o, k + 1);
        }
      }
      if (soloRuns && standalone) {
        for (let k = 0; k < soloRuns.length; k++) {
          for (const o of soloRuns[k]!.flush?.() ?? []) {
            check(o, labels[k]!);
            standalone[k]!.add(o);
          }
        }
      }
      return {
        taps: taps.map(ledgerData),
        ...(standalone ? { standalone: standalone.map(ledgerData) } : {}),
        requests,
        counters: runs.map((r) => r.counters?.() ?? {}),
        ...(soloRuns ? { soloCounters: soloRuns.map((r) => r.counters?.() ?? {}) } : {}),
        warnings: [...warnings.values()],
      };
    },
  };
}

/** Counters of several parts as one: sums, or the smallest / largest for names starting min: / max:. */
export function mergeCounters(parts: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parts)
    for (const [k, v] of Object.entries(p)) {
      const have = out[k];
      out[k] =
        have === undefined
          ? v
          : k.startsWith('min:')
            ? Math.min(have, v)
            : k.startsWith('max:')
              ? Math.max(have, v)
              : have + v;
    }
  return out;
}

/**
 * The run from its parts (one part for an unsplit run): ledgers added exactly, each strategy's
 * finish() given its summed counters, dropped counts made cumulative down the chain, warnings
 * deduplicated and ordered by stage, code and text (so no part's timing shows in the result).
 */
export function finishRun(setup: RunSetup, parts: readonly RunPart[]): RunResult {
  const { stages, book } = setup;
  const thresholds = setup.thresholds ?? book.thresholds();
  const merged = (pick: (p: RunPart) => LedgerData[] | undefined, n: number): Ledger[] =>
    Array.from({ length: n }, (_, k) => {
      const l = new Ledger(thresholds);
      for (const p of parts) l.merge(pick(p)![k]!);
      return l;
    });
  const taps = merged((p) => p.taps, stages.length + 1);
  const standalone = setup.standalone ? merged((p) => p.standalone, stages.length) : undefined;
  const warnings = new Map<string, { position: number; d: Diagnostic }>();
  const add =
    (position: number) =>
    (d: Diagnostic): void => {
      const key = `${d.code}\u0001${d.message}`;
      if (!warnings.has(key)) warnings.set(key, { position, d });
    };
  for (const p of parts) for (const w of p.warnings) add(w.position)(w.d);
  const view = modelView(book);
  stages.forEach((s, i) => {
    if (!s.strategy.finish) return;
    const ctx = strategyContext({
      models: view,
      seed: setup.seed,
      position: i + 1,
      name: s.strategy.name,
      where: s.where,
      warn: add(i + 1),
      cacheRealism: setup.cacheRealism ?? 'realistic',
    });
    s.strategy.finish(s.options, mergeCounters(parts.map((p) => p.counters[i]!)), ctx);
    if (setup.standalone) s.strategy.finish(s.options, mergeCounters(parts.map((p) => p.soloCounters![i]!)), ctx);
  });
  // dropped counts are per stage; make them cumulative down the chain
  for (let k = 1; k < taps.length; k++) taps[k]!.dropped += taps[k - 1]!.dropped;
  const ordered = [...warnings.values()]
    .sort((a, b) => a.position - b.position || cmp(a.d.code, b.d.code) || cmp(a.d.message, b.d.message))
    .map((w) => w.d);
  for (const d of ordered) setup.warn?.(d);
  return {
    taps,
    ...(standalone ? { standalone } : {}),
    thresholds,
    requests: parts.reduce((n, p) => n + p.requests, 0),
    warnings: ordered,
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One run over a source, on this thread. */
export async function runSimulation(input: RunInput): Promise<RunResult> {
  const run = startRun(input);
  let requests = 0;
  for await (const batch of input.source as AsyncIterable<SimRequest[]>) {
    run.push(batch);
    requests += batch.length;
    input.onProgress?.(requests);
  }
  return finishRun(input, [run.end()]);
}
