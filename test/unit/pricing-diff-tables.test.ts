// The bundled 2025-10-01 table (issue 6): the models the brief requires, the long-context bands,
// and what changed by 2026-11-01 as `pricing diff` reports it.
import { describe, expect, it } from 'vitest';
import { diffBooks } from '../../src/pricing/diff.js';
import { choosePricing } from '../../src/pricing/load.js';

const OCT = choosePricing({ pricing: '2025-10-01' }).book;
const NOV26 = choosePricing({ pricing: '2026-11-01' }).book;
const pico = (usd: string) => BigInt(Math.round(Number(usd) * 1e6)) * 1_000_000n; // exact for <= 6 decimals

describe('pricing/2025-10-01.yaml', () => {
  it('has the models the brief requires', () => {
    const need = [
      'claude-sonnet-4',
      'claude-sonnet-4-5',
      'claude-opus-4-1',
      'claude-haiku-4-5',
      'claude-3-5-haiku',
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'gpt-5',
      'gpt-5-mini',
      'gpt-5-nano',
      'o3',
      'o4-mini',
      'gemini-2.5-pro',
      'gemini-2.5-flash',
      'gemini-2.5-flash-lite',
      'gemini-2.0-flash',
    ];
    for (const m of need) expect(OCT.tryResolve(m)?.id, m).toBe(m);
    expect(OCT.effective).toBe('2025-10-01');
  });
  it('Sonnet 4 and 4.5: > 200K input is priced $6 / $22.50 with cache classes doubled', () => {
    for (const id of ['claude-sonnet-4', 'claude-sonnet-4-5']) {
      const m = OCT.resolve(id);
      expect(m.longContextThreshold).toBe(200_000);
      const p = (cls: Parameters<typeof OCT.price>[3], band: 'base' | 'long' = 'long') =>
        OCT.price(m, 'standard', band, cls);
      expect([p('input'), p('output'), p('cacheWrite5m'), p('cacheWrite1h'), p('cacheRead')]).toEqual([
        pico('6'),
        pico('22.5'),
        pico('7.5'),
        pico('12'),
        pico('0.6'),
      ]);
      expect(OCT.price(m, 'batch', 'long', 'output')).toBe(pico('11.25')); // 50% of 22.50
      expect(p('input', 'base')).toBe(pico('3'));
    }
  });
  it('Gemini 2.5 Pro: > 200K band, cache at the 2025 75% discount', () => {
    const m = OCT.resolve('gemini-2.5-pro');
    expect(OCT.price(m, 'standard', 'long', 'input')).toBe(pico('2.5'));
    expect(OCT.price(m, 'standard', 'base', 'cacheRead')).toBe(pico('0.31'));
  });
  it('diff to 2026-11-01: the Sonnet 4.5 band is gone and Gemini cache reads fell ~60%', () => {
    const d = diffBooks(OCT, NOV26);
    const s45 = d.changed.find((m) => m.model === 'claude-sonnet-4-5')!.changes;
    expect(s45).toContainEqual({ field: 'long_context.threshold', old: '200000', new: null, pct: null });
    const flash = d.changed.find((m) => m.model === 'gemini-2.5-flash')!.changes;
    expect(flash).toContainEqual({ field: 'cache.read', old: '0.075', new: '0.03', pct: -60 }); // (0.03-0.075)/0.075
    // retired by 2026-11-01: still priced for logs of their time from this table
    expect(d.removed.map((m) => m.model)).toEqual([
      'claude-3-5-haiku',
      'claude-3-5-sonnet',
      'claude-3-7-sonnet',
      'claude-3-haiku',
      'claude-3-opus',
      'claude-sonnet-4',
      'gemini-2.0-flash',
      'gpt-3.5-turbo',
      'gpt-4-turbo',
      'gpt-4o-2024-05-13',
      'o1',
      'o3-mini',
    ]);
  });
});
