// Diff two pricing tables: models added, removed, renamed (the old id is now an alias of a new
// id, or the other way round), and every effective price that changed per tier x band x token
// class, plus cache rules and the long-context threshold. Pure: works on PriceBooks, compares
// exact pico-USD, so "3.0" vs "3.00" is no change and a batch discount change shows on every class.
import { formatPicoPerM } from './money.js';
import {
  type Band,
  type ModelInfo,
  type PriceBook,
  TIERS,
  type Tier,
  TOKEN_CLASSES,
  type TokenClass,
} from './pricebook.js';

export const PRICING_DIFF_SCHEMA = 'llmcost.pricing-diff/v1';

export interface FieldChange {
  /** YAML-like path: input, cache.read, batch.output, long_context.input, cache.min_tokens ... */
  field: string;
  /** old/new value as shown (prices as decimal USD per 1M tokens); null = absent */
  old: string | null;
  new: string | null;
  /** % change for prices present on both sides (rounded to 0.01); null otherwise */
  pct: number | null;
}

export interface ModelChange {
  model: string;
  /** set when the model was renamed: its id in the old table */
  oldId?: string;
  provider: string;
  changes: FieldChange[];
}

export interface PricingDiff {
  schema: typeof PRICING_DIFF_SCHEMA;
  old: { version: string; effective: string; file: string };
  new: { version: string; effective: string; file: string };
  added: { model: string; provider: string; input: string; output: string }[];
  removed: { model: string; provider: string; input: string; output: string }[];
  renamed: { from: string; to: string }[];
  /** models present in both (matched by id or renamed) with at least one change */
  changed: ModelChange[];
  /** models present in both with no change */
  unchanged: number;
  /** changed fields with a % going up / down; other = added/removed prices and non-price fields */
  summary: { up: number; down: number; other: number };
}

const CLASS_FIELD: Record<TokenClass, string> = {
  input: 'input',
  output: 'output',
  cacheRead: 'cache.read',
  cacheWrite5m: 'cache.write_5m',
  cacheWrite1h: 'cache.write_1h',
  reasoning: 'reasoning',
  audioInput: 'audio_input',
  audioOutput: 'audio_output',
  imageInput: 'image_input',
};

function priceField(tier: Tier, band: Band, cls: TokenClass): string {
  return `${tier === 'standard' ? '' : `${tier}.`}${band === 'long' ? 'long_context.' : ''}${CLASS_FIELD[cls]}`;
}

/** (new - old) / old * 100 rounded half-up to 0.01; null when old is 0. */
export function pctChange(oldPico: bigint, newPico: bigint): number | null {
  if (oldPico === 0n) return null;
  const scaled = (newPico - oldPico) * 10_000n; // percent * 100
  const q = scaled / oldPico;
  const r = scaled % oldPico;
  const adj = (r < 0n ? -r : r) * 2n >= oldPico ? (scaled < 0n ? -1n : 1n) : 0n;
  return Number(q + adj) / 100;
}

/** Prices a model offers in one tier/band: absent tier or band -> every class absent. */
function pricesOf(m: ModelInfo, tier: Tier, band: Band): Record<TokenClass, bigint | undefined> | undefined {
  if (band === 'long' && m.longContextThreshold === undefined) return undefined;
  return m.prices[tier]?.[band];
}

export function diffModel(a: ModelInfo, b: ModelInfo): FieldChange[] {
  const out: FieldChange[] = [];
  const scalar = (
    field: string,
    x: string | number | undefined | null,
    y: string | number | undefined | null,
  ): void => {
    const xs = x === undefined || x === null ? null : String(x);
    const ys = y === undefined || y === null ? null : String(y);
    if (xs !== ys) out.push({ field, old: xs, new: ys, pct: null });
  };
  scalar('long_context.threshold', a.longContextThreshold, b.longContextThreshold);
  for (const tier of TIERS) {
    for (const band of ['base', 'long'] as const) {
      const pa = pricesOf(a, tier, band);
      const pb = pricesOf(b, tier, band);
      if (!pa && !pb) continue;
      for (const cls of TOKEN_CLASSES) {
        const x = pa?.[cls];
        const y = pb?.[cls];
        if (x === y) continue;
        out.push({
          field: priceField(tier, band, cls),
          old: x === undefined ? null : formatPicoPerM(x),
          new: y === undefined ? null : formatPicoPerM(y),
          pct: x !== undefined && y !== undefined ? pctChange(x, y) : null,
        });
      }
    }
  }
  scalar('cache.style', a.cache?.style, b.cache?.style);
  scalar('cache.min_tokens', a.cache?.minTokens, b.cache?.minTokens);
  if (a.cache?.style === 'automatic' || b.cache?.style === 'automatic')
    scalar('cache.increment', a.cache?.increment, b.cache?.increment);
  if (a.cache?.style === 'automatic' || b.cache?.style === 'automatic')
    scalar('cache.implicit', a.cache && String(a.cache.implicit), b.cache && String(b.cache.implicit));
  const fa = a.fees?.web_search;
  const fb = b.fees?.web_search;
  if (fa !== fb)
    out.push({
      field: 'fees.web_search',
      old: fa === undefined ? null : formatPicoPerM(fa),
      new: fb === undefined ? null : formatPicoPerM(fb),
      pct: fa !== undefined && fb !== undefined ? pctChange(fa, fb) : null,
    });
  const st = (m: ModelInfo): string | undefined =>
    m.cache?.storagePerHourPicoPerM === undefined ? undefined : formatPicoPerM(m.cache.storagePerHourPicoPerM);
  if (st(a) !== st(b)) {
    const sa = a.cache?.storagePerHourPicoPerM;
    const sb = b.cache?.storagePerHourPicoPerM;
    out.push({
      field: 'cache.storage_per_hour',
      old: st(a) ?? null,
      new: st(b) ?? null,
      pct: sa !== undefined && sb !== undefined ? pctChange(sa, sb) : null,
    });
  }
  scalar('context_window', a.contextWindow, b.contextWindow);
  const al = (m: ModelInfo): string => [...m.aliases].sort().join(', ');
  if (al(a) !== al(b)) out.push({ field: 'aliases', old: al(a) || null, new: al(b) || null, pct: null });
  return out;
}

const brief = (m: ModelInfo) => ({
  model: m.id,
  provider: m.provider,
  input: formatPicoPerM(m.prices.standard!.base.input!),
  output: formatPicoPerM(m.prices.standard!.base.output!),
});

export function diffBooks(oldBook: PriceBook, newBook: PriceBook): PricingDiff {
  const pairs: [ModelInfo, ModelInfo][] = [];
  const renamed: { from: string; to: string }[] = [];
  const matchedNew = new Set<string>();
  const unmatchedOld: ModelInfo[] = [];
  for (const a of oldBook.models.values()) {
    const b = newBook.models.get(a.id);
    if (b) {
      pairs.push([a, b]);
      matchedNew.add(b.id);
    } else unmatchedOld.push(a);
  }
  // Renames: an old model whose id or alias resolves (by name) to a new model not matched by id.
  const removed: ModelInfo[] = [];
  for (const a of unmatchedOld) {
    const b = [a.id, ...a.aliases]
      .map((n) => newBook.tryResolve(n))
      .find((m) => m !== undefined && !matchedNew.has(m.id));
    if (b) {
      pairs.push([a, b]);
      matchedNew.add(b.id);
      renamed.push({ from: a.id, to: b.id });
    } else removed.push(a);
  }
  const added = [...newBook.models.values()].filter((b) => !matchedNew.has(b.id));
  const changed: ModelChange[] = [];
  let unchanged = 0;
  const summary = { up: 0, down: 0, other: 0 };
  for (const [a, b] of pairs) {
    const changes = diffModel(a, b);
    if (!changes.length) {
      unchanged++;
      continue;
    }
    for (const c of changes) {
      if (c.pct !== null && c.pct > 0) summary.up++;
      else if (c.pct !== null && c.pct < 0) summary.down++;
      else summary.other++;
    }
    changed.push({ model: b.id, ...(a.id !== b.id ? { oldId: a.id } : {}), provider: b.provider, changes });
  }
  const byId = (x: { model: string }, y: { model: string }) => (x.model < y.model ? -1 : x.model > y.model ? 1 : 0);
  return {
    schema: PRICING_DIFF_SCHEMA,
    old: { version: oldBook.version, effective: oldBook.effective, file: oldBook.file },
    new: { version: newBook.version, effective: newBook.effective, file: newBook.file },
    added: added.map(brief).sort(byId),
    removed: removed.map(brief).sort(byId),
    renamed: renamed.sort((x, y) => (x.from < y.from ? -1 : 1)),
    changed: changed.sort(byId),
    unchanged,
    summary,
  };
}
