// One pass over the request stream. The baseline is tapped into ledger 0; after strategy k the
// stream is tapped into ledger k, so the waterfall is cumulative in scenario order at O(K) per
// request. --standalone adds, per strategy, a chain of that strategy alone on the baseline.
import { type Diagnostic, UserError, warning } from '../diagnostics.js';
import type { Pricing } from '../pricing/pricebook.js';
import type { ModelView, OptionPath, Strategy, StrategyContext, StrategyRun } from './strategy.js';
import { Ledger } from './ledger.js';
import type { SimRequest } from './request.js';
import { createRng } from './rng.js';

export interface StageSpec {
  strategy: Strategy;
  options: unknown;
  /** label shown in the report (defaults to the strategy name) */
  label: string;
  /** file:line:col of an option of this stage in its scenario (default: strategies[i].path) */
  where?: (path: OptionPath) => string;
}

export interface RunInput {
  /** batches of requests; consumed once */
  source: AsyncIterable<SimRequest[]> | Iterable<SimRequest[]>;
  stages: StageSpec[];
  /** one table, or the table in force per request (ledgers keep a cell per period) */
  book: Pricing;
  seed: number;
  by?: string[];
  standalone?: boolean;
  /** long-context thresholds to bucket by (default: the book's); drift passes the union of two books */
  thresholds?: number[];
  onProgress?: (requests: number) => void;
  /** strategies' coded warnings, each distinct one once per run */
  warn?: (d: Diagnostic) => void;
  /** which rules decide when a provider cache hits (default realistic) */
  cacheRealism?: string;
  /**
   * every request as it enters the baseline ledger, and (with strategies) every call as it enters
   * the final one (replay --rows): streamed, nothing kept
   */
  observe?: (stage: 'baseline' | 'final', r: SimRequest) => void;
}

export interface RunResult {
  /** taps[0] = baseline, taps[k] = after stage k */
  taps: Ledger[];
  /** standalone[k-1] = stage k alone on the baseline (when asked) */
  standalone?: Ledger[];
  thresholds: number[];
  /** requests read from the source (baseline count) */
  requests: number;
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
  return {
    seed: c.seed,
    position: c.position,
    rng: createRng(c.seed).fork(`strategy:${c.position}:${c.name}`),
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

export async function runSimulation(input: RunInput): Promise<RunResult> {
  const { stages, book, seed } = input;
  const by = input.by ?? [];
  const thresholds = input.thresholds ?? book.thresholds();
  const warnings = new Set<string>();
  const warn = (d: Diagnostic): void => {
    const key = `${d.code}\u0001${d.message}`;
    if (warnings.has(key)) return;
    warnings.add(key);
    input.warn?.(d);
  };
  const view = modelView(book);
  const periodOf = book.tables().length > 1 ? (atMs: number) => book.periodOf(atMs) : undefined;
  const taps = Array.from(
    { length: stages.length + 1 },
    (_, k) => new Ledger(thresholds, k === 0 || k === stages.length ? by : [], (m) => book.resolve(m).id, periodOf),
  );
  const start = (s: StageSpec, position: number): StrategyRun =>
    s.strategy.start(
      s.options,
      strategyContext({
        models: view,
        seed,
        position,
        name: s.strategy.name,
        where: s.where,
        warn,
        cacheRealism: input.cacheRealism ?? 'realistic',
      }),
    );
  const runs = stages.map((s, i) => start(s, i + 1));
  const standalone = input.standalone ? stages.map(() => new Ledger(thresholds, [], undefined, periodOf)) : undefined;
  const soloRuns = input.standalone ? stages.map((s, i) => start(s, i + 1)) : undefined;

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

  const observe = input.observe;
  const last = taps.length - 1;
  let requests = 0;
  for await (const batch of input.source as AsyncIterable<SimRequest[]>) {
    for (const r of batch) {
      check(r, 'baseline');
      taps[0]!.add(r);
      observe?.('baseline', r);
    }
    requests += batch.length;
    if (runs.length) flowFrom(batch, 0);
    if (soloRuns) {
      for (let k = 0; k < soloRuns.length; k++) flowSolo(batch, k);
    }
    input.onProgress?.(requests);
  }
  // Flush held-back requests in order: what stage k releases still passes through k+1..K.
  for (let k = 0; k < runs.length; k++) {
    const out = runs[k]!.flush?.() ?? [];
    for (const o of out) check(o, stages[k]!.label);
    for (const o of out) {
      taps[k + 1]!.add(o);
      if (k + 1 === last) observe?.('final', o);
    }
    if (out.length) flowFrom(out, k + 1);
  }
  if (soloRuns && standalone) {
    for (let k = 0; k < soloRuns.length; k++) {
      const out = soloRuns[k]!.flush?.() ?? [];
      for (const o of out) {
        check(o, stages[k]!.label);
        standalone[k]!.add(o);
      }
    }
  }
  // dropped counts are per stage; make them cumulative down the chain
  for (let k = 1; k < taps.length; k++) taps[k]!.dropped += taps[k - 1]!.dropped;
  return { taps, ...(standalone ? { standalone } : {}), thresholds, requests };

  function flowFrom(reqs: SimRequest[], from: number): void {
    let cur = reqs;
    for (let k = from; k < runs.length; k++) {
      const next: SimRequest[] = [];
      const ledger = taps[k + 1]!;
      for (const q of cur) {
        const out = runs[k]!.step(q);
        let answeringOut = 0;
        for (const o of out) {
          // a request passed through unchanged was checked when it entered this stage
          if (o !== q) check(o, stages[k]!.label);
          if (o.answers !== false) answeringOut++;
          ledger.add(o);
          if (k + 1 === last) observe?.('final', o);
          next.push(o);
        }
        if (q.answers !== false && answeringOut === 0) ledger.dropped += 1;
      }
      cur = next;
      if (!cur.length) break;
    }
  }
  function flowSolo(batch: SimRequest[], k: number): void {
    const ledger = standalone![k]!;
    for (const q of batch) {
      const out = soloRuns![k]!.step(q);
      let answeringOut = 0;
      for (const o of out) {
        if (o !== q) check(o, stages[k]!.label);
        if (o.answers !== false) answeringOut++;
        ledger.add(o);
      }
      if (q.answers !== false && answeringOut === 0) ledger.dropped += 1;
    }
  }
}
