// Same inputs -> byte-identical outputs, in every format, whatever the wall clock says and whatever
// ran before in the same process (no module-level state, no clock, no unseeded randomness).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';

const HERE = dirname(fileURLToPath(import.meta.url));
// the shared fixtures of the bad-input corpus also hold the good scenario used here
const FIX = join(HERE, '..', 'fixtures', 'bad', '_shared');
const SCENARIO = join(FIX, 'every-strategy.yaml');
const BAD_SHARED = join(FIX, 'pricing.yaml');
const FORMATS = ['json', 'md', 'html', 'csv', 'table'] as const;

const scratch = mkdtempSync(join(tmpdir(), 'llmcost-det-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => {
  vi.useRealTimers();
});

async function out(args: string[]): Promise<string> {
  const r = await runCli(args, { cwd: FIX });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('simulate: the same scenario twice gives byte-identical output', () => {
  it('in every format, with --standalone and attribution, and the run is not trivial', async () => {
    const first: Record<string, string> = {};
    for (const f of FORMATS) first[f] = await out(['simulate', SCENARIO, '--standalone', '--format', f]);
    // something else in between: module-level state must not leak into the next run
    await out([
      'simulate',
      join(HERE, '..', 'fixtures', 'bad', 'scenario-bom-crlf-accepted', 'scenario.yaml'),
      '--format',
      'json',
    ]);
    for (const f of FORMATS) expect(await out(['simulate', SCENARIO, '--standalone', '--format', f]), f).toBe(first[f]);
    const doc = JSON.parse(first.json!) as {
      requests: number;
      steps: { strategy: string; saving: number }[];
      by: Record<string, unknown[]>;
    };
    expect(doc.requests).toBeGreaterThan(500);
    expect(doc.steps.map((s) => s.strategy)).toEqual([
      'dedupe-retries',
      'response-cache',
      'cascade',
      'route',
      'trim-context',
      'compress',
      'cap-output',
      'prompt-cache',
      'batch',
    ]);
    expect(doc.steps.filter((s) => s.saving !== 0).length, 'most steps change the cost').toBeGreaterThanOrEqual(7);
    expect(Object.keys(doc.by).sort()).toEqual(['day', 'feature', 'model', 'tenant']);
    expect(first.html).toContain('<svg');
  });

  it('does not depend on the wall clock (faked to 2001 and to 2040)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2001-01-01T00:00:00Z'));
    const early = await out(['simulate', SCENARIO, '--format', 'json']);
    vi.setSystemTime(new Date('2040-06-30T23:59:59Z'));
    const late = await out(['simulate', SCENARIO, '--format', 'json']);
    vi.useRealTimers();
    expect(late).toBe(early);
    expect(await out(['simulate', SCENARIO, '--format', 'json'])).toBe(early);
  });

  it('the seed matters (so identical output above is not an accident of ignoring it)', async () => {
    const a = await out(['simulate', SCENARIO, '--format', 'json', '--seed', '1']);
    const b = await out(['simulate', SCENARIO, '--format', 'json', '--seed', '2']);
    expect(a).not.toBe(b);
    expect(await out(['simulate', SCENARIO, '--format', 'json', '--seed', '1'])).toBe(a);
  });

  it('--out writes the same bytes as stdout (md, html)', async () => {
    for (const f of ['md', 'html'] as const) {
      const file = join(scratch, `report.${f}`);
      await out(['simulate', SCENARIO, '--format', f, '--out', file]);
      const stdout = await out(['simulate', SCENARIO, '--format', f]);
      expect(readFileSync(file, 'utf8'), f).toBe(stdout);
    }
  });

  it('report --from a saved JSON renders exactly what simulate rendered', async () => {
    const saved = join(scratch, 'saved.json');
    writeFileSync(saved, await out(['simulate', SCENARIO, '--standalone', '--format', 'json']));
    for (const f of FORMATS) {
      const direct = await out(['simulate', SCENARIO, '--standalone', '--format', f]);
      expect(await out(['report', '--from', saved, '--format', f]), f).toBe(direct);
    }
  });
});

describe('Monte Carlo and sweeps: the same command twice gives the same bytes', () => {
  it('simulate --runs 4 (json, md) and sweep over two options (json, html)', async () => {
    for (const f of ['json', 'md'] as const) {
      const args = ['simulate', SCENARIO, '--runs', '4', '--format', f];
      expect(await out(args), f).toBe(await out(args));
    }
    for (const f of ['json', 'html'] as const) {
      const args = [
        'sweep',
        SCENARIO,
        '--set',
        'strategies.prompt-cache.ttl=5m,1h',
        '--set',
        'strategies.cascade.escalation=0.1,0.5',
        '--format',
        f,
      ];
      expect(await out(args), f).toBe(await out(args));
    }
  });
});

describe('the machine time zone changes nothing', () => {
  const saved = process.env.TZ;
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  it('simulate, replay (mixed timestamp formats) and a log rebased to a zone-less date-time', async () => {
    const runs = [
      ['simulate', SCENARIO, '--format', 'json'],
      [
        'replay',
        join(HERE, '..', 'fixtures', 'bad', 'log-mixed-timestamps', 'log.csv'),
        '--pricing',
        BAD_SHARED,
        '--by',
        'day',
        '--format',
        'json',
      ],
      // the scenario in _shared reads a log from a sibling case folder
      ['simulate', join(FIX, 'rebase.yaml'), '--allow-path', join(FIX, '..'), '--format', 'json'],
    ];
    const byZone: string[][] = [];
    for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati']) {
      process.env.TZ = tz; // Node re-reads TZ on assignment
      expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset() !== 0 || tz === 'UTC').toBe(true);
      const outs: string[] = [];
      for (const args of runs) outs.push(await out(args));
      byZone.push(outs);
    }
    for (const outs of byZone.slice(1)) expect(outs).toEqual(byZone[0]);
    // 2026-12-01T09:00:00 read as UTC: 1796115600000 ms
    expect((JSON.parse(byZone[0]![2]!) as { period: { startMs: number } }).period.startMs).toBe(
      Date.UTC(2026, 11, 1, 9),
    );
  });
});

describe('replay, estimate and pricing: the same input twice gives the same bytes', () => {
  it('replay of a log (CSV with mixed timestamps), json and md', async () => {
    const log = join(HERE, '..', 'fixtures', 'bad', 'log-mixed-timestamps', 'log.csv');
    for (const f of ['json', 'md', 'html'] as const) {
      const args = ['replay', log, '--pricing', BAD_SHARED, '--by', 'day', '--format', f];
      expect(await out(args), f).toBe(await out(args));
    }
  });

  it('estimate and pricing list', async () => {
    for (const args of [
      ['estimate', '--model', 'claude-sonnet-4-5', '--system-tokens', '8000', '--format', 'json'],
      ['estimate', '--model', 'gpt-4o', '--as-of', '2026-11-15', '--format', 'md'],
      ['pricing', 'list', '--format', 'csv'],
    ]) {
      expect(await out(args), args.join(' ')).toBe(await out(args));
    }
  });
});
