// Price overlays: a negotiated discount or a channel uplift applied on top of the tables (never a
// copy of them). Each overlay multiplies every price of the models it matches (per 1M tokens,
// storage and per-call fees; only the tier's prices when it names a tier), rounded half-up to 1
// pico-USD per price, in the order given; the labels travel with the model to the report header.
import type { OverlayEntry } from '../config/pricing-schema.js';
import { parseRatio } from '../shared/decimal.js';
import { mulDiv } from './money.js';
import { type ClassPrices, type ModelInfo, TOKEN_CLASSES, type Tier } from './pricebook.js';

export interface Overlay {
  label: string;
  provider?: string;
  /** lower-case model name (id or alias) */
  model?: string;
  tier?: Tier;
  channel?: 'direct' | 'bedrock' | 'vertex' | 'azure';
  endpoint?: string;
  num: bigint;
  den: bigint;
}

/** "0.8" -> 80/100; "20%" / "0.2" -> 1 - that. */
function ratioOf(e: OverlayEntry): { num: bigint; den: bigint } {
  if (e.multiplier !== undefined) return parseRatio(e.multiplier)!;
  const d = e.discount!;
  const off = d.endsWith('%') ? parseRatio(d.slice(0, -1))! : parseRatio(d)!;
  const den = d.endsWith('%') ? off.den * 100n : off.den;
  return { num: den - off.num, den };
}

function describe(e: OverlayEntry): string {
  const what =
    [e.provider, e.model, e.channel, e.endpoint, e.tier && `${e.tier} tier`].filter(Boolean).join(' ') || 'every model';
  return e.discount !== undefined
    ? `${e.discount.endsWith('%') ? e.discount : `${Number(e.discount) * 100}%`} off ${what}`
    : `x${e.multiplier} on ${what}`;
}

export function overlayOf(e: OverlayEntry): Overlay {
  const r = ratioOf(e);
  return {
    label: e.label ?? describe(e),
    ...(e.provider ? { provider: e.provider.toLowerCase() } : {}),
    ...(e.model ? { model: e.model.trim().toLowerCase() } : {}),
    ...(e.tier ? { tier: e.tier } : {}),
    ...(e.channel ? { channel: e.channel } : {}),
    ...(e.endpoint ? { endpoint: e.endpoint } : {}),
    num: r.num,
    den: r.den,
  };
}

function matches(o: Overlay, m: ModelInfo): boolean {
  if (o.provider !== undefined && m.provider.toLowerCase() !== o.provider) return false;
  if (o.model !== undefined && m.id.toLowerCase() !== o.model && !m.aliases.some((a) => a.toLowerCase() === o.model))
    return false;
  if (o.channel !== undefined && (m.channel?.name ?? 'direct') !== o.channel) return false;
  if (o.endpoint !== undefined && m.channel?.endpoint !== o.endpoint) return false;
  return true;
}

const scaleClasses = (c: ClassPrices, num: bigint, den: bigint): ClassPrices =>
  Object.fromEntries(
    TOKEN_CLASSES.map((k) => [k, c[k] === undefined ? undefined : mulDiv(c[k], num, den)]),
  ) as ClassPrices;

/** The model with every matching overlay applied (the same object when none matches). */
export function applyOverlays(m: ModelInfo, overlays: readonly Overlay[]): ModelInfo {
  let out = m;
  for (const o of overlays) {
    if (!matches(o, out) || (o.tier !== undefined && !out.prices[o.tier])) continue;
    const prices: ModelInfo['prices'] = { ...out.prices };
    for (const t of o.tier ? [o.tier] : out.tiers) {
      const p = out.prices[t]!;
      const base = scaleClasses(p.base, o.num, o.den);
      prices[t] = { base, long: p.long === p.base ? base : scaleClasses(p.long, o.num, o.den) };
    }
    // storage and tool fees have no tier: an overlay for one tier leaves them alone
    const whole = o.tier === undefined;
    const storage = out.cache?.storagePerHourPicoPerM;
    out = {
      ...out,
      prices,
      ...(whole && out.cache && storage !== undefined
        ? { cache: { ...out.cache, storagePerHourPicoPerM: mulDiv(storage, o.num, o.den) } }
        : {}),
      ...(whole && out.fees
        ? {
            fees: Object.fromEntries(
              Object.entries(out.fees).map(([k, v]) => [k, v === undefined ? v : mulDiv(v, o.num, o.den)]),
            ),
          }
        : {}),
      overlays: [...(out.overlays ?? []), o.label],
    };
  }
  return out;
}
