// A display currency (`--currency EUR --fx 0.92`): money stays USD in the model and in JSON; only the
// formatters convert. Rounding rule: the shown amount is USD x fx, rounded half away from zero to the
// digits shown (2 from 1 unit up, 4 below 1, 6 below 0.01), written `EUR 1,234.56`.
import { describe, expect, it } from 'vitest';
import { displayFlags } from '../../src/cli/common.js';
import { signedUsd, usd, usdDelta, usdTicks } from '../../src/report/format.js';
import { render } from '../../src/report/render.js';
import { fullReport } from '../golden/fixture.js';
import { runCli } from '../helpers/cli.js';

const EUR = { currency: 'EUR', fx: 0.92 };

describe('money in a display currency (hand-computed)', () => {
  it('converts and rounds to the digits shown', () => {
    expect(usd(405.21, EUR)).toBe('EUR 372.79'); // 405.21 x 0.92 = 372.7932
    expect(usd(1341.3, EUR)).toBe('EUR 1,234.00'); // 1,233.996 -> 1,234.00
  });
  it('rounds half away from zero', () => {
    expect(usd(2.25, { currency: 'XXX', fx: 0.5 })).toBe('XXX 1.13'); // 1.125 exactly -> 1.13
    expect(usd(-2.25, { currency: 'XXX', fx: 0.5 })).toBe('-XXX 1.13');
  });
  it('small amounts keep their digits after converting', () => {
    expect(usd(0.5, EUR)).toBe('EUR 0.4600'); // 0.46 < 1: 4 digits
    expect(usd(0.005, EUR)).toBe('EUR 0.004600'); // 0.0046 < 0.01: 6 digits
    expect(usd(1.05, EUR)).toBe('EUR 0.9660'); // the digits follow the converted amount
  });
  it('signs, deltas, zero, unknown and axis ticks', () => {
    expect(signedUsd(12.5, EUR)).toBe('+EUR 11.50');
    expect(signedUsd(0, EUR)).toBe('EUR 0.00');
    expect(usdDelta(10, { currency: 'GBP', fx: 0.79 })).toBe('-GBP 7.90');
    expect(usd(null, EUR)).toBe('unknown');
    expect(usdTicks([0, 100, 200], EUR)).toEqual(['EUR 0', 'EUR 92', 'EUR 184']);
  });
  it('without a display currency nothing changes', () => {
    expect(usd(405.21)).toBe('$405.21');
    expect(usd(405.21, undefined)).toBe('$405.21');
  });
});

describe('every money figure goes through the display currency', async () => {
  const full = await fullReport();
  // with a Monte Carlo band (simulate --runs): its money rows too
  const band = (p50: number) => ({ p5: p50 * 0.9, p50, p95: p50 * 1.1 });
  const report = {
    ...full,
    monteCarlo: {
      runs: 5,
      seeds: [1, 5] as [number, number],
      percentiles: 'nearest-rank' as const,
      requests: band(1000),
      baseline: band(full.baseline.cost),
      steps: full.steps.map((st) => ({
        strategy: st.strategy,
        label: st.label,
        cost: band(st.cost),
        saving: band(st.saving),
        savingPct: band(st.savingPct),
      })),
      final: band(full.final.cost),
      saving: band(full.final.saving),
      savingPct: band(full.final.savingPct),
      successRate: band(0.9),
    },
  };
  // at fx 1 the figures are the same, so the only differences are the symbol and the one note
  const same = { currency: 'XXX', fx: 1 };
  const swap = (text: string): string => text.replace(/\$(?=\d)/g, 'XXX ');
  for (const f of ['table', 'md'] as const) {
    it(`${f}: no $ figure is left, and nothing else moves`, () => {
      const usdText = render(report, f, { color: false });
      const shown = render({ ...report, display: same }, f, { color: false });
      const note = f === 'md' ? /_money shown in XXX[^\n]*_\n\n/ : /\nmoney shown in XXX[^\n]*/;
      expect(shown).toMatch(note);
      // check messages quote the scenario's USD budgets as the scenario states them (docs/reports.md)
      const checks = report.checks.map((c) => c.message);
      let expected = swap(usdText);
      for (const m of checks) expected = expected.split(swap(m)).join(m);
      // a table's columns widen with the longer symbol: compare its cells, not its padding
      const cells = (t: string): string => (f === 'table' ? t.replace(/[\s─┌┐└┘├┤┬┴┼]+/g, ' ') : t);
      expect(cells(shown.replace(note, ''))).toBe(cells(expected));
    });
  }
  it('html: every figure converted; only the rounding note stays in $', () => {
    const shown = render({ ...report, display: EUR }, 'html');
    const left = [...shown.matchAll(/\$\d[\d,.]*/g)].map((m) => m[0]);
    const inChecks = report.checks.flatMap((c) => [...c.message.matchAll(/\$\d[\d,.]*/g)].map((m) => m[0]));
    expect(left.filter((x) => !inChecks.includes(x))).toEqual(['$0.000001']);
    expect(shown).toContain('money shown in EUR at 1 USD = 0.92 EUR');
  });
  it('json keeps the USD figures and states the display', () => {
    const json = JSON.parse(render({ ...report, display: EUR }, 'json'));
    expect(json.baseline.cost).toBe(report.baseline.cost);
    expect(json.display).toEqual(EUR);
  });
});

describe('--currency / --fx flags', () => {
  it('both or neither', () => {
    expect(displayFlags({})).toBeUndefined();
    expect(displayFlags({ currency: 'eur', fx: '0.92' })).toEqual(EUR);
  });
  for (const [args, flag] of [
    [['--currency', 'EUR'], '--fx'],
    [['--fx', '0.92'], '--currency'],
    [['--currency', 'EURO', '--fx', '0.92'], '--currency'],
    [['--currency', 'EUR', '--fx', '0'], '--fx'],
    [['--currency', 'EUR', '--fx', '-1'], '--fx'],
    [['--currency', 'EUR', '--fx', 'abc'], '--fx'],
  ] as const) {
    it(`${args.join(' ')} -> exit 2 naming ${flag}`, async () => {
      const r = await runCli(['replay', 'scenarios/logs/support-bot.csv', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error[USAGE] ${flag}:`);
      expect(r.stderr).toContain('hint:');
      expect(r.stdout).toBe('');
    });
  }
});

describe('every command that prints money from a run takes --currency/--fx', () => {
  const X = ['--currency', 'EUR', '--fx', '0.92'];
  // a $ figure left over (check messages quote USD limits as given: they are not renderer figures)
  const dollars = (text: string): string[] =>
    text
      .split('\n')
      .filter((l) => !/budget|limit|exceeds|within/.test(l))
      .flatMap((l) => [...l.matchAll(/\$\d[\d,.]*/g)].map((m) => m[0]));
  const runs: [string, string[]][] = [
    ['estimate', ['estimate', '--model', 'claude-sonnet-4-5', '--system-tokens', '8000']],
    ['diff', ['diff', 'test/fixtures/diff/base.yaml', 'test/fixtures/diff/head.yaml']],
    ['replay', ['replay', 'scenarios/logs/support-bot.csv']],
  ];
  for (const [name, args] of runs)
    for (const f of ['table', 'md'] as const)
      it(`${name} --format ${f}`, async () => {
        const r = await runCli([...args, ...X, '--format', f]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain('money shown in EUR at 1 USD = 0.92 EUR');
        expect(r.stdout).toMatch(/EUR \d/);
        expect(dollars(r.stdout)).toEqual([]);
      });
  it('report --from keeps the saved display currency, and --currency changes it', async () => {
    const saved = await runCli(['estimate', '--model', 'claude-sonnet-4-5', ...X, '--format', 'json']);
    expect(JSON.parse(saved.stdout).display).toEqual(EUR);
    const again = await runCli(['report', '--from', '-', '--format', 'md'], { stdin: saved.stdout });
    expect(again.stdout).toMatch(/EUR \d/);
    const gbp = await runCli(['report', '--from', '-', '--format', 'md', '--currency', 'GBP', '--fx', '0.79'], {
      stdin: saved.stdout,
    });
    expect(gbp.stdout).toMatch(/GBP \d/);
    expect(gbp.stdout).not.toMatch(/EUR \d/);
  });
  it('without the flags the output is unchanged', async () => {
    const plain = await runCli(['estimate', '--model', 'claude-sonnet-4-5']);
    expect(plain.stdout).toMatch(/\$\d/);
    expect(plain.stdout).not.toContain('money shown in');
  });
});
