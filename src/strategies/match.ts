// Shared request matching for the routing-family strategies (route, cascade, self-host, ...):
// a `when` rule on tags, token counts and model. All conditions of a rule must hold (AND);
// a list of values inside one condition is an OR. Pure: no I/O, no state besides a memo.
import { z } from 'zod';
import { type SimRequest, tagOf } from '../engine/request.js';
import type { ModelView, OptionPath, StrategyContext } from '../engine/strategy.js';
import { didYouMean } from '../diagnostics.js';

const count = z.number().nonnegative();

/** Token-count bounds; every bound given must hold (e.g. {gte: 1000, lt: 8000}). */
export const RangeSchema = z
  .strictObject({ lt: count.optional(), lte: count.optional(), gt: count.optional(), gte: count.optional() })
  .refine((r) => Object.keys(r).length > 0, { message: 'give at least one of lt, lte, gt, gte' });
export type Range = z.infer<typeof RangeSchema>;

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const WhenSchema = z.strictObject({
  /** tag name -> accepted value(s); a request without the tag does not match */
  tags: z.record(z.string(), oneOrMany).optional(),
  input_tokens: RangeSchema.optional(),
  output_tokens: RangeSchema.optional(),
  history_tokens: RangeSchema.optional(),
  /** the request's model (aliases accepted); names are checked against the pricing table at start */
  model: oneOrMany.optional(),
});
export type When = z.infer<typeof WhenSchema>;

export function inRange(v: number, r: Range | undefined): boolean {
  if (!r) return true;
  if (r.lt !== undefined && !(v < r.lt)) return false;
  if (r.lte !== undefined && !(v <= r.lte)) return false;
  if (r.gt !== undefined && !(v > r.gt)) return false;
  if (r.gte !== undefined && !(v >= r.gte)) return false;
  return true;
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

/** tag values a WhenTally keeps per tag while nothing matched (past it, none is suggested) */
const SEEN_MAX = 64;

/**
 * A compiled when (compileWhen) that keeps, for warnUnmatched, what it was asked about and matched:
 * counts and, while nothing has matched, the values the traffic had for the tags the when names (up
 * to SEEN_MAX each) and the tag names of requests that lacked one (up to SEEN_MAX), so the warning
 * can say which value or tag name was meant. Its counters add up over a split
 * run's parts; the suggestion is made only when no part kept more than SEEN_MAX, so a split run
 * suggests what one thread does.
 */
export class WhenTally {
  asked = 0;
  matched = 0;
  private readonly seen: Map<string, Set<string>> | undefined;
  /** the tag names of requests that lacked a tag the when names (a misspelt name: which was meant) */
  private readonly names = new Set<string>();
  /** more than SEEN_MAX tag names were met: none is suggested (on any split of the run) */
  private namesOver = false;
  private over = false;

  constructor(
    when: When | undefined,
    private readonly match: (r: SimRequest) => boolean,
  ) {
    const tags = Object.keys(when?.tags ?? {});
    this.seen = tags.length ? new Map(tags.map((t) => [t, new Set<string>()])) : undefined;
  }

  /** whether the when matches r, counted (and r's values of its tags kept while nothing matched) */
  test(r: SimRequest): boolean {
    const hit = this.match(r);
    this.asked++;
    if (hit) this.matched++;
    else if (this.matched === 0 && this.seen !== undefined && !this.over) this.keep(r, this.seen);
    return hit;
  }

  /** r's values of the when's tags, up to SEEN_MAX each (past it, `over`) */
  private keep(r: SimRequest, seen: Map<string, Set<string>>): void {
    for (const [t, values] of seen) {
      const v = tagOf(r, t);
      if (v === undefined) {
        // (a tag name starting with a control character is the tool's own, never the user's)
        for (const name of Object.keys(r.tags)) {
          if (name.charCodeAt(0) < 32 || this.names.has(name)) continue;
          if (this.names.size < SEEN_MAX) this.names.add(name);
          else this.namesOver = true;
        }
        continue;
      }
      if (values.has(v)) continue;
      if (values.size >= SEEN_MAX) {
        this.over = true;
        return;
      }
      values.add(v);
    }
  }

  /** its counters, each name after `prefix` */
  counters(prefix: string): Record<string, number> {
    const out: Record<string, number> = { [`${prefix}asked`]: this.asked, [`${prefix}matched`]: this.matched };
    if (this.over) out[`${prefix}over`] = 1;
    if (this.matched === 0 && this.seen) {
      for (const [t, values] of this.seen) for (const v of values) out[`${prefix}seen:${JSON.stringify([t, v])}`] = 1;
      for (const name of this.names) out[`${prefix}tag:${JSON.stringify(name)}`] = 1;
      if (this.namesOver) out[`${prefix}tagsOver`] = 1;
    }
    return out;
  }
}

/**
 * The end-of-run word on a when that matched none of the requests it was asked about (a misspelt
 * tag value, a tag the traffic lacks): the step moved nothing, which should not read as "saves
 * nothing". `c` is the run's summed counters of a WhenTally named `prefix`; with the tag values the
 * traffic had, the hint says which one was likely meant, and for a tag no request had, which of
 * their tag names (a misspelt name). Silent when nothing was asked.
 */
export function warnUnmatched(
  ctx: Pick<StrategyContext, 'warn'>,
  who: string,
  when: When | undefined,
  c: Record<string, number>,
  prefix = '',
): void {
  const asked = c[`${prefix}asked`] ?? 0;
  if (when === undefined || asked === 0 || (c[`${prefix}matched`] ?? 0) > 0) return;
  const hints: string[] = [];
  if (!c[`${prefix}over`]) {
    const seen = new Map<string, string[]>();
    // (tag and value JSON-encoded in the name: either may hold any character)
    const head = `${prefix}seen:`;
    const tagHead = `${prefix}tag:`;
    const names: string[] = [];
    for (const k of Object.keys(c).sort()) {
      if (k.startsWith(tagHead)) names.push(JSON.parse(k.slice(tagHead.length)) as string);
      if (!k.startsWith(head)) continue;
      const [t, v] = JSON.parse(k.slice(head.length)) as [string, string];
      const known = seen.get(t);
      if (known) known.push(v);
      else seen.set(t, [v]);
    }
    // (more values than one tally keeps: one thread would have kept none, so no part's are used)
    const tooMany = [...seen.values()].some((v) => v.length > SEEN_MAX);
    for (const [t, wanted] of tooMany ? [] : Object.entries(when.tags ?? {})) {
      const had = seen.get(t) ?? [];
      if (!had.length) {
        // (a split run's parts may each keep SEEN_MAX names where one thread would have dropped some)
        if (c[`${prefix}tagsOver`] || names.length > SEEN_MAX) names.length = 0;
        const near = didYouMean(t, names);
        hints.push(
          `no request that reached it has a tag '${t}'${
            near.length
              ? ` (did you mean '${near[0]}'?)`
              : names.length
                ? ` (their tags: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''})`
                : ''
          }`,
        );
        continue;
      }
      for (const w of list(wanted)) {
        if (had.includes(w)) continue;
        const near = didYouMean(w, had);
        hints.push(
          near.length
            ? `${t}: did you mean '${near[0]}' for '${w}'?`
            : `${t} '${w}' is not among the values the traffic has (${had.slice(0, 10).join(', ')}${had.length > 10 ? ', ...' : ''})`,
        );
      }
    }
  }
  ctx.warn(
    'STRATEGY_UNMATCHED',
    `${who}: its when (${JSON.stringify(when)}) matched none of the ${asked.toLocaleString('en-US')} request${asked === 1 ? '' : 's'} that reached it, so it moved nothing (a misspelt tag value, or a tag the traffic does not have?)`,
    hints.length ? hints.join('; ') : undefined,
  );
}

/**
 * Compile a rule into a predicate. Model names are resolved now (a typo fails before the run, with
 * did-you-mean) and compared by resolved id, so an alias in the log matches its canonical name.
 * No rule (undefined) matches every request.
 */
export function compileWhen(
  when: When | undefined,
  ctx: Pick<StrategyContext, 'models' | 'model'>,
  path: OptionPath = ['when'],
): (r: SimRequest) => boolean {
  if (!when) return () => true;
  const models = ctx.models;
  const tagTests = Object.entries(when.tags ?? {}).map(([k, v]) => [k, new Set(list(v))] as const);
  const wantModels =
    when.model === undefined
      ? undefined
      : typeof when.model === 'string'
        ? new Set([ctx.model(when.model, [...path, 'model']).id])
        : new Set(when.model.map((m, i) => ctx.model(m, [...path, 'model', i]).id));
  const idOf = modelIdMemo(models);
  return (r) => {
    for (let i = 0; i < tagTests.length; i++) {
      const [k, accepted] = tagTests[i]!;
      const v = tagOf(r, k);
      if (v === undefined || !accepted.has(v)) return false;
    }
    if (!inRange(r.inputTokens, when.input_tokens)) return false;
    if (!inRange(r.outputTokens, when.output_tokens)) return false;
    if (!inRange(r.historyTokens, when.history_tokens)) return false;
    if (wantModels && !wantModels.has(idOf(r.model))) return false;
    return true;
  };
}

/** name -> resolved model id, memoised (the engine has already checked every request's model). */
export function modelIdMemo(models: ModelView): (name: string) => string {
  const memo = new Map<string, string>();
  return (name) => {
    let id = memo.get(name);
    if (id === undefined) {
      id = models.resolve(name).id;
      memo.set(name, id);
    }
    return id;
  };
}

/** A success probability or quality factor in [0, 1]. */
export const QualitySchema = z.number().min(0).max(1);
