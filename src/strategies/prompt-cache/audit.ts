// Cache audit: a log's own cache counts (what the provider read and wrote) beside what the
// prompt-cache simulation predicts for the same requests under the ideal rules, the realistic
// rules, and each realistic rule alone - per prefix family. Quantities only (ledgers and token
// sums); report/cache-audit prices them and names likely causes. Docs: docs/strategies-caching.md.
import { promptCache } from './index.js';
import { CACHE_RULES, type CacheRule } from './rules.js';
import type { StrategyRun } from '../../engine/strategy.js';
import { Ledger } from '../../engine/ledger.js';
import { copyRequest, type SimRequest } from '../../engine/request.js';
import { familyReader, PrefixReconstructor } from './infer.js';
import { strategyContext } from '../../engine/run.js';
import type { ModelView } from '../../engine/strategy.js';

/** One way of caching the family's requests: its ledger and token sums. */
export interface AuditSide {
  ledger: Ledger;
  read: number;
  written: number;
}

/** One prefix family: the reported side and the two predicted ones (S: ledgers here, money in the report). */
export interface Family<S> {
  family: string;
  requests: number;
  inputTokens: number;
  /** requests whose prefix came from the log's prefix columns / from the reported counts / none */
  prefixFrom: { log: number; counts: number; none: number };
  actual: S;
  ideal: S;
  realistic: S;
  /** read tokens with only that realistic rule on */
  alone: Record<CacheRule, number>;
}
export type FamilyRaw = Family<AuditSide>;

export interface AuditRaw {
  families: FamilyRaw[];
  thresholds: number[];
  requests: number;
}

const SIDES = ['ideal', 'realistic', ...CACHE_RULES] as const;
type Side = (typeof SIDES)[number];

export interface AuditOptions {
  /** dimensions naming a request's prefix family; the first with a value wins */
  family: string[];
  /** the explicit-cache TTL the simulations assume (the log's writes may be either) */
  ttl: '5m' | '1h';
  seed: number;
  warn?: (m: string) => void;
  /** the pricing period of a request's time (Pricing.periodOf), so each is priced by the table in force then */
  periodOf?: (atMs: number) => number;
}

/** Runs the log's requests once through 2 + CACHE_RULES.length prompt-cache simulations. */
export async function auditCaches(
  source: AsyncIterable<SimRequest[]> | Iterable<SimRequest[]>,
  /** the run's models (engine/run.ts modelView) and the ledgers' long-context thresholds */
  models: ModelView,
  thresholds: number[],
  o: AuditOptions,
): Promise<AuditRaw> {
  const canonical = (m: string): string => models.resolve(m).id;
  const familyOf = familyReader(o.family, canonical);
  const view = models;
  const warned = new Set<string>();
  const runs = new Map<Side, StrategyRun>(
    SIDES.map((side) => [
      side,
      promptCache.start(
        promptCache.options.parse({ ttl: o.ttl }),
        strategyContext({
          models: view,
          seed: o.seed,
          position: 1,
          name: 'audit-cache',
          // every run says the same things: once is enough. The TTL is the audit's own setting (--ttl,
          // for explicit caches): that an automatic cache ignores it is nothing the user wrote.
          warn: (d) => {
            if (d.code === 'STRATEGY_OPTION_IGNORED') return;
            if (!warned.has(d.message)) {
              warned.add(d.message);
              o.warn?.(d.message);
            }
          },
          cacheRealism: side,
        }),
      ),
    ]),
  );
  const families = new Map<string, FamilyRaw>();
  const side = (): AuditSide => ({ ledger: new Ledger(thresholds, [], undefined, o.periodOf), read: 0, written: 0 });
  const add = (s: AuditSide, r: SimRequest): void => {
    s.ledger.add(r);
    s.read += r.cached?.read ?? 0;
    s.written += (r.cached?.write5m ?? 0) + (r.cached?.write1h ?? 0);
  };
  const rebuild = new PrefixReconstructor();
  let requests = 0;
  for await (const batch of source as AsyncIterable<SimRequest[]>) {
    for (const r of batch) {
      requests++;
      const name = familyOf(r);
      let f = families.get(name);
      if (!f) {
        f = {
          family: name,
          requests: 0,
          inputTokens: 0,
          prefixFrom: { log: 0, counts: 0, none: 0 },
          actual: side(),
          ideal: side(),
          realistic: side(),
          alone: Object.fromEntries(CACHE_RULES.map((k) => [k, 0])) as Record<CacheRule, number>,
        };
        families.set(name, f);
      }
      f.requests++;
      f.inputTokens += r.inputTokens;
      add(f.actual, r);
      // The simulations see the request without its reported counts: what they predict is theirs alone.
      const q = copyRequest(r);
      q.cached = undefined;
      q.reported = undefined;
      if (r.prefix.length) f.prefixFrom.log++;
      else {
        q.prefix = rebuild.prefix(r, () => name);
        f.prefixFrom[q.prefix.length ? 'counts' : 'none']++;
      }
      for (const [s, run] of runs) {
        const out = run.step(q)[0]!;
        if (s === 'ideal' || s === 'realistic') add(f[s], out);
        else f.alone[s] += out.cached?.read ?? 0;
      }
    }
  }
  return { families: [...families.values()], thresholds, requests };
}
