// WhenTally + warnUnmatched (strategies/match.ts): a when that matched none of the requests it was
// asked about warns STRATEGY_UNMATCHED, and while nothing matched the tally keeps the values the
// traffic had for the tags the when names, so the hint says which value was likely meant. Its
// counters add up over a split run's parts: the parts' summed counters give one thread's warning.
import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/engine/request.js';
import { mergeCounters } from '../../src/engine/run.js';
import { type When, WhenTally, warnUnmatched } from '../../src/strategies/match.js';
import { makeRequest } from '../helpers/sim.js';

const req = (feature: string | undefined, i: number): SimRequest =>
  makeRequest(
    { model: 'm', inputTokens: 10, outputTokens: 1 },
    { id: `r${i}`, tags: feature === undefined ? { tenant: 'acme' } : { feature, tenant: 'acme' } },
  );

/** the warnings said for `when` over the parts (requests split among them), their counters summed */
function said(when: When, parts: (string | undefined)[][], hits = () => false) {
  const out: { code: string; message: string; hint?: string }[] = [];
  const counters = parts.map((features) => {
    const t = new WhenTally(when, hits);
    features.forEach((f, i) => t.test(req(f, i)));
    return t.counters('when:');
  });
  warnUnmatched(
    { warn: (code, message, hint) => out.push({ code, message, ...(hint ? { hint } : {}) }) },
    'batch',
    when,
    mergeCounters(counters),
    'when:',
  );
  return out;
}

describe('WhenTally and warnUnmatched', () => {
  const traffic = ['search', 'chat', 'summarise', 'chat', 'search', undefined];

  it('names the value the traffic has that was likely meant, and a tag no request has', () => {
    const w = said({ tags: { feature: 'serach', team: 'a' } }, [traffic]);
    expect(w).toEqual([
      {
        code: 'STRATEGY_UNMATCHED',
        message:
          'batch: its when ({"tags":{"feature":"serach","team":"a"}}) matched none of the 6 requests that reached it, so it moved nothing (a misspelt tag value, or a tag the traffic does not have?)',
        hint: "feature: did you mean 'search' for 'serach'?; no request that reached it has a tag 'team' (their tags: feature, tenant)",
      },
    ]);
    // a value far from every one the traffic has: the values are listed
    expect(said({ tags: { feature: 'billing' } }, [traffic])[0]!.hint).toBe(
      "feature 'billing' is not among the values the traffic has (chat, search, summarise)",
    );
  });

  it('a misspelt tag name: the tag name the requests have that was likely meant', () => {
    expect(said({ tags: { featur: 'search' } }, [traffic])[0]!.hint).toBe(
      "no request that reached it has a tag 'featur' (did you mean 'feature'?)",
    );
    // the same over parts; and past 64 tag names none is suggested, on any split
    expect(said({ tags: { featur: 'search' } }, [traffic.slice(0, 3), traffic.slice(3)])).toEqual(
      said({ tags: { featur: 'search' } }, [traffic]),
    );
    const wide = (n: number, i: number): SimRequest =>
      makeRequest(
        { model: 'm', inputTokens: 10, outputTokens: 1 },
        { id: `w${n}-${i}`, tags: { [`t${n}`]: 'x', feature: 'f' } },
      );
    const tally = (parts: number[][]) => {
      const counters = parts.map((ns) => {
        const t = new WhenTally({ tags: { featur: 'f' } }, () => false);
        ns.forEach((n, i) => t.test(wide(n, i)));
        return t.counters('');
      });
      const out: (string | undefined)[] = [];
      warnUnmatched(
        { warn: (_c, _m, hint) => out.push(hint) },
        'x',
        { tags: { featur: 'f' } },
        mergeCounters(counters),
      );
      return out;
    };
    const seventy = Array.from({ length: 70 }, (_, n) => n);
    expect(tally([seventy])).toEqual(["no request that reached it has a tag 'featur'"]);
    expect(tally([seventy.slice(0, 40), seventy.slice(40)])).toEqual(tally([seventy]));
    expect(tally([seventy.slice(0, 10)])).toEqual([
      "no request that reached it has a tag 'featur' (did you mean 'feature'?)",
    ]);
  });

  it('split over parts, the summed counters give the warning one thread gives', () => {
    const when = { tags: { feature: ['serach', 'chatt'] } };
    const one = said(when, [traffic]);
    expect(said(when, [traffic.slice(0, 2), traffic.slice(2)])).toEqual(one);
    expect(said(when, [traffic.slice(0, 1), traffic.slice(1, 4), traffic.slice(4)])).toEqual(one);
    expect(one[0]!.hint).toBe(
      "feature: did you mean 'search' for 'serach'?; feature: did you mean 'chat' for 'chatt'?",
    );
  });

  it('a tag value holding any character (a separator, a quote) is suggested whole', () => {
    const odd = ['web\u0001search', 'say "hi"'];
    expect(said({ tags: { feature: 'web\u0001serach' } }, [odd])[0]!.hint).toBe(
      "feature: did you mean 'web\u0001search' for 'web\u0001serach'?",
    );
  });

  it('past 64 values of a tag no value is suggested (the same on any split); a match says nothing', () => {
    const many = Array.from({ length: 70 }, (_, i) => `f${i}`);
    const one = said({ tags: { feature: 'f1x' } }, [many]);
    expect(one[0]!.hint).toBeUndefined();
    expect(said({ tags: { feature: 'f1x' } }, [many.slice(0, 35), many.slice(35)])).toEqual(one);
    expect(said({ tags: { feature: 'chat' } }, [traffic], () => true)).toEqual([]);
  });
});
