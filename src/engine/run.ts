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
import type { ModelView, OptionPath, Strategy, StrategyContext, StrategyRun } from './strategy.js';
import { CellSlots, Ledger, type LedgerData, ledgerData } from './ledger.js';
import type { SimRequest } from './request.js';
import { drawStream, requestDraw, requestRng } from './rng.js';
import { RecentMap } from '../shared/recent.js';

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
  /**
   * every request as it enters the baseline ledger, and (with strategies) every call as it enters
   * the final one (replay --rows): streamed, nothing kept
   */
  observe?: (stage: 'baseline' | 'final', r: SimRequest) => void;
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
  // strategies resolve the model of every request they see: each name once
  const known = new RecentMap((name) => book.resolve(name));
  return {
    resolve: (name) => known.get(name),
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
  const runs = startRuns([setup]);
  return { push: (b) => runs.push(b), end: () => runs.end()[0]! };
}

/** Several runs over the same requests (a sweep's configurations); end() gives one part per setup. */
export interface PartRuns {
  push(batch: readonly SimRequest[]): void;
  end(): RunPart[];
}

/** One stage of the shared runs: configurations whose stages so far are identical share it. */
interface StageNode {
  key: string;
  /** 0-based stage index */
  k: number;
  label: string;
  run: StrategyRun;
  tap: Ledger;
  children: StageNode[];
  warnings: Map<string, { position: number; d: Diagnostic }>;
}

const warnInto =
  (into: Map<string, { position: number; d: Diagnostic }>, position: number) =>
  (d: Diagnostic): void => {
    const key = `${d.code}\u0001${d.message}`;
    if (!into.has(key)) into.set(key, { position, d });
  };

/** What configurations must share to share a pass: the pricing, thresholds, seed, dimensions and cache rules. */
function groupKey(s: RunSetup, index: number, ids: Map<Pricing, number>): string {
  let id = ids.get(s.book);
  if (id === undefined) ids.set(s.book, (id = ids.size));
  return JSON.stringify([
    // an observed run (replay --rows) sees its own requests only: it shares no pass
    s.observe ? `observed ${index}` : id,
    s.thresholds ?? null,
    s.seed,
    s.by ?? [],
    s.everyTapBy ?? [],
    s.cacheRealism ?? 'realistic',
    // the source as the stages see it (Strategy.prepare): runs that prepare it alike share it
    preparing(s).map((st) => st.name),
  ]);
}

/** The strategies of a run that prepare its requests (Strategy.prepare), once each, in stage order. */
function preparing(s: RunSetup): Strategy[] {
  const out: Strategy[] = [];
  for (const st of s.stages) if (st.strategy.prepare && !out.includes(st.strategy)) out.push(st.strategy);
  return out;
}

/**
 * Start several runs that see the same requests. Runs with the same book, seed and dimensions
 * share their baseline tap and every leading stage that is the same strategy with the same options
 * (a tree of stages): a sweep varying the 4th strategy computes the first three once. Each run's
 * part is what it would have been alone (the shared stages see exactly the same requests).
 */
export function startRuns(setups: readonly RunSetup[]): PartRuns {
  const groups = new Map<string, number[]>();
  // runs share a pass only under the same pricing object (parallel.ts builds equal ones once)
  const ids = new Map<Pricing, number>();
  setups.forEach((s, i) => {
    const key = groupKey(s, i, ids);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const passes = [...groups.values()].map((members) => startGroup(members.map((i) => setups[i]!)));
  const order = [...groups.values()];
  return {
    push(batch) {
      for (const p of passes) p.push(batch);
    },
    end() {
      const out = new Array<RunPart>(setups.length);
      passes.forEach((p, g) => {
        const parts = p.end();
        order[g]!.forEach((i, k) => {
          out[i] = parts[k]!;
        });
      });
      return out;
    },
  };
}

/** The shared pass of runs that share a book, seed, dimensions and cache rules (see startRuns). */
function startGroup(setups: readonly RunSetup[]): PartRuns {
  const first = setups[0]!;
  const { book, seed } = first;
  const cacheRealism = first.cacheRealism ?? 'realistic';
  const periodOf = book.tables().length > 1 ? (atMs: number) => book.periodOf(atMs) : undefined;
  const by = first.by ?? [];
  const every = first.everyTapBy ?? [];
  const thresholds = first.thresholds ?? book.thresholds();
  const view = modelView(book);
  const canonical = (m: string): string => book.resolve(m).id;
  const baseWarnings = new Map<string, { position: number; d: Diagnostic }>();
  // every tap numbers its cells alike: a request passed on unchanged finds its cell by number
  const slots = new CellSlots(thresholds, periodOf);
  const base = new Ledger(thresholds, [...by, ...every], canonical, periodOf, slots);
  // replay --rows: a run of its own (groupKey), so its one path's last node is the final tap
  const observe = setups.length === 1 ? first.observe : undefined;
  // each request as the stages see it (the same for every run of the group: groupKey)
  const prepares = preparing(first).map((s) => s.prepare!({ models: view }));

  /** stage k (0-based) started, its warnings collected in `warnings` */
  const start = (st: StageSpec, k: number, warnings: Map<string, { position: number; d: Diagnostic }>): StrategyRun =>
    st.strategy.start(
      st.options,
      strategyContext({
        models: view,
        seed,
        position: k + 1,
        name: st.strategy.name,
        where: st.where,
        warn: warnInto(warnings, k + 1),
        cacheRealism,
      }),
    );

  // the tree of stages: a node per distinct (path so far, strategy, label, options)
  const roots: StageNode[] = [];
  const paths = setups.map((s) => {
    let level = roots;
    const path: StageNode[] = [];
    s.stages.forEach((st, k) => {
      const key = JSON.stringify([st.strategy.name, st.label, st.options]);
      let node = level.find((n) => n.key === key);
      if (!node) {
        const warnings = new Map<string, { position: number; d: Diagnostic }>();
        node = {
          key,
          k,
          label: st.label,
          run: start(st, k, warnings),
          tap: new Ledger(thresholds, every, canonical, periodOf, slots),
          children: [],
          warnings,
        };
        level.push(node);
      }
      path.push(node);
      level = node.children;
    });
    return path;
  });
  // the last stage of a run is tapped by its dimensions too (the report's attribution)
  for (const path of paths) {
    const last = path[path.length - 1];
    if (last && by.length && !last.tap.by.has(by[0]!))
      last.tap = new Ledger(thresholds, [...by, ...every], canonical, periodOf, slots);
  }
  const finalNode = observe ? paths[0]![paths[0]!.length - 1] : undefined;
  // --standalone: each stage alone on the baseline, per run (not shared)
  const solos = setups.map((s) => {
    if (!s.standalone) return undefined;
    const warnings = new Map<string, { position: number; d: Diagnostic }>();
    return {
      warnings,
      runs: s.stages.map((st, k) => start(st, k, warnings)),
      ledgers: s.stages.map(() => new Ledger(thresholds, every, canonical, periodOf, slots)),
      labels: s.stages.map((st) => st.label),
    };
  });

  // Every model name is checked once against the tables (a table or the catalog knows it in every
  // period, or in none): an unknown model is an error, never $0.
  let checking: SimRequest | undefined;
  let checkingStage = '';
  const known = new RecentMap((model): true => {
    const r = checking!;
    book.resolve(model, r.line !== undefined ? `line ${r.line}` : checkingStage, book.periodOf(r.atMs));
    return true;
  });
  const check = (r: SimRequest, stage: string, from?: SimRequest): void => {
    // A request made from one already checked, on the same model, needs no model check; nor does a
    // request whose cell some tap already has (cells are made only for checked requests): the
    // baseline tap's lookup that follows is then the one just made.
    if (from === undefined ? slots.existing(r) < 0 : r.model !== from.model) {
      checking = r;
      checkingStage = stage;
      known.get(r.model);
    }
    const bad = validRequest(r);
    if (bad) throw new Error(`internal: ${stage} produced an invalid request ${r.id}: ${bad}`);
  };

  /**
   * o, which node's stage gave for q (undefined: released by its flush), is checked, tapped after
   * the stage and goes on to each child
   */
  const emit = (o: SimRequest, node: StageNode, q: SimRequest | undefined): void => {
    // a request passed through unchanged was checked when it entered this stage
    if (o !== q) check(o, node.label, q);
    node.tap.add(o);
    if (node === finalNode) observe!('final', o);
    const children = node.children;
    for (let c = 0; c < children.length; c++) flow(o, children[c]!);
  };
  /** request q enters a node's stage: what it gives is emitted; an answering q that gives no answer counts as dropped */
  const flow = (q: SimRequest, node: StageNode): void => {
    const run = node.run;
    if (run.map !== undefined) {
      // at most one request out: no array per request
      const o = run.map(q);
      if (q.answers !== false && (o === undefined || o.answers === false)) node.tap.dropped += 1;
      if (o !== undefined) emit(o, node, q);
      return;
    }
    const out = run.step(q);
    let answeringOut = 0;
    for (let i = 0; i < out.length; i++) {
      const o = out[i]!;
      if (o.answers !== false) answeringOut++;
      emit(o, node, q);
    }
    if (q.answers !== false && answeringOut === 0) node.tap.dropped += 1;
  };
  const solo = (q: SimRequest, s: NonNullable<(typeof solos)[number]>, k: number): void => {
    const ledger = s.ledgers[k]!;
    const out = s.runs[k]!.step(q);
    let answeringOut = 0;
    for (const o of out) {
      if (o !== q) check(o, s.labels[k]!, q);
      if (o.answers !== false) answeringOut++;
      ledger.add(o);
    }
    if (q.answers !== false && answeringOut === 0) ledger.dropped += 1;
  };
  /** a node's flush: what it releases is tapped and goes on down its subtree */
  const flushTree = (nodes: StageNode[]): void => {
    for (const node of nodes) {
      for (const o of node.run.flush?.() ?? []) emit(o, node, undefined);
      flushTree(node.children);
    }
  };

  let requests = 0;
  return {
    push(batch) {
      for (let i = 0; i < batch.length; i++) {
        let r = batch[i]!;
        for (let p = 0; p < prepares.length; p++) r = prepares[p]!(r);
        check(r, 'baseline');
        base.add(r);
        observe?.('baseline', r);
        for (let n = 0; n < roots.length; n++) flow(r, roots[n]!);
        for (const s of solos) if (s) for (let k = 0; k < s.runs.length; k++) solo(r, s, k);
      }
      requests += batch.length;
    },
    end() {
      // Flush held-back requests in order: what stage k releases still passes through k+1..K.
      flushTree(roots);
      for (const s of solos)
        if (s)
          s.runs.forEach((run, k) => {
            for (const o of run.flush?.() ?? []) {
              check(o, s.labels[k]!);
              s.ledgers[k]!.add(o);
            }
          });
      const baseData = ledgerData(base);
      return paths.map((path, i) => {
        const s = solos[i];
        const warnings = new Map(baseWarnings);
        for (const node of path) for (const [k, w] of node.warnings) if (!warnings.has(k)) warnings.set(k, w);
        if (s) for (const [k, w] of s.warnings) if (!warnings.has(k)) warnings.set(k, w);
        return {
          taps: [baseData, ...path.map((n) => ledgerData(n.tap))],
          ...(s
            ? { standalone: s.ledgers.map(ledgerData), soloCounters: s.runs.map((r) => r.counters?.() ?? {}) }
            : {}),
          requests,
          counters: path.map((n) => n.run.counters?.() ?? {}),
          warnings: [...warnings.values()],
        };
      });
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
  // A stage whose moved or changed prompts lost their cached counts says so (STRATEGY_ORDER) only
  // when no prompt-cache after it simulates their caching again: with one, the advice is followed.
  const cacheAfter = (position: number): boolean =>
    stages.slice(position).some((st) => st.strategy.name === 'prompt-cache');
  const ordered = [...warnings.values()]
    .filter((w) => !(w.d.code === 'STRATEGY_ORDER' && cacheAfter(w.position)))
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
