// Staleness of the pricing table (issue 6): judged against --as-of or the traffic period, never the clock.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dateOfMs, daysBetween, parseStaleAfter, stalenessWarning } from '../../src/pricing/staleness.js';
import { runCli } from '../helpers/cli.js';

const book = { version: '2024-12-01', effective: '2024-12-01', file: 'pricing/2024-12-01.yaml' };

describe('staleness', () => {
  it('counts whole UTC days', () => {
    expect(daysBetween('2024-12-01', '2025-03-31')).toBe(120); // 30 (Dec) + 31 (Jan) + 28 (Feb) + 31 (Mar, to the 31st)
    expect(daysBetween('2024-12-01', '2024-11-30')).toBe(-1);
    expect(dateOfMs(Date.UTC(2025, 3, 1, 23, 59))).toBe('2025-04-01');
  });
  it('warns only strictly past N days', () => {
    expect(stalenessWarning(book, '2025-03-31', 120)).toBeUndefined(); // exactly 120 days: not stale
    const w = stalenessWarning(book, '2025-04-01', 120)!; // 121 days
    expect(w.code).toBe('PRICING_STALE');
    expect(w.severity).toBe('warning');
    expect(w.message).toContain('121 days older than 2025-04-01');
    expect(w.where).toBe('pricing/2024-12-01.yaml');
  });
  it('no reference date -> no check (never the wall clock)', () => {
    expect(stalenessWarning(book, undefined, 0)).toBeUndefined();
  });
  it('--stale-after parsing', () => {
    expect(parseStaleAfter(undefined)).toBe(120);
    expect(parseStaleAfter('30')).toBe(30);
    expect(parseStaleAfter('-1')).toBeUndefined();
    expect(parseStaleAfter('ten')).toBeUndefined();
  });
  it('estimate --as-of warns on stderr with the code and still succeeds; --stale-after raises the bar', async () => {
    // the newest bundled table on or before 2024-12-15 is 2024-12-01; on 2024-12-15 it is 14 days old
    const fresh = await runCli([
      'estimate',
      '--as-of',
      '2024-12-15',
      '--model',
      'gpt-4o',
      '--requests',
      '1000',
      '--stale-after',
      '13',
    ]);
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toContain('warning[PRICING_STALE]');
    expect(fresh.stderr).toContain('is 14 days older than 2024-12-15');
    const ok = await runCli([
      'estimate',
      '--as-of',
      '2024-12-15',
      '--model',
      'gpt-4o',
      '--requests',
      '1000',
      '--stale-after',
      '14',
    ]);
    expect(ok.stderr).not.toContain('PRICING_STALE');
  });
});

import { stalenessForRun } from '../../src/pricing/staleness.js';
describe('staleness for a run', () => {
  it('uses --as-of first, else the date of the last request', () => {
    const end = Date.UTC(2025, 3, 1, 12); // 2025-04-01: 121 days after 2024-12-01
    expect(stalenessForRun(book, { endMs: end })!.message).toContain(
      '121 days older than 2025-04-01 (end of the traffic period)',
    );
    expect(stalenessForRun(book, { asOf: '2024-12-15', endMs: end })).toBeUndefined();
    expect(stalenessForRun(book, { endMs: null })).toBeUndefined();
  });

  // A log of two gpt-4o calls on 2026-11-03 and -04, priced with the 2024-12-01 table: 703 days old
  // on the log's last date (2024-12-01 -> 2026-11-04: 31 + 365 + 307 days).
  const dir = mkdtempSync(join(tmpdir(), 'llmcost-stale-'));
  const log = join(dir, 'late.csv');
  writeFileSync(
    log,
    'timestamp,model,input_tokens,output_tokens\n2026-11-03T10:00:00Z,gpt-4o,1000,100\n2026-11-04T10:00:00Z,gpt-4o,1000,100\n',
  );
  const said = '703 days older than 2026-11-04 (end of the traffic period)';

  it('replay warns against the log own last date, on stderr and in the report; --as-of wins', async () => {
    const r = await runCli(['replay', log, '--pricing', '2024-12-01', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning[PRICING_STALE]`);
    expect(r.stderr).toContain(said);
    expect((JSON.parse(r.stdout) as { warnings: string[] }).warnings.join('\n')).toContain(said);
    const asOf = await runCli(['replay', log, '--pricing', '2024-12-01', '--as-of', '2024-12-20']);
    expect(asOf.stderr).not.toContain('PRICING_STALE');
    const raised = await runCli(['replay', log, '--pricing', '2024-12-01', '--stale-after', '703']);
    expect(raised.stderr).not.toContain('PRICING_STALE');
  });

  it('a log priced per request by date: judged by the table in force at its last request', async () => {
    // newest bundled table 2026-11-18; a row on 2027-06-01 is 195 days later (12 + 31 + 31 + 28 + 31 + 30 + 31 + 1)
    const future = join(dir, 'future.csv');
    writeFileSync(future, 'timestamp,model,input_tokens,output_tokens\n2027-06-01T10:00:00Z,gpt-4o,1000,100\n');
    const r = await runCli(['replay', future]);
    expect(r.stderr).toContain('pricing table 2026-11-18 (effective 2026-11-18) is 195 days older than 2027-06-01');
  });

  it('replay --scenario and simulate warn against the end of their traffic', async () => {
    const scenario = join(dir, 'what-if.yaml');
    writeFileSync(scenario, 'name: w\nstrategies:\n  - use: cap-output\n    max_output_tokens: 50\n');
    const whatIf = await runCli(['replay', log, '--pricing', '2024-12-01', '--scenario', scenario]);
    expect(whatIf.code, whatIf.stderr).toBe(0);
    expect(whatIf.stderr).toContain(said);
    // support-bot: 7 days from 2026-11-02, so the period ends 2026-11-08: 403 days after 2025-10-01
    const sim = await runCli(['simulate', 'scenarios/support-bot.yaml', '--pricing', '2025-10-01', '--format', 'json']);
    expect(sim.code, sim.stderr).toBe(0);
    expect(sim.stderr).toContain('403 days older than 2026-11-08 (end of the traffic period)');
  });
});
