// --timestamp (traffic.log.timestamp): the time of rows that have none. A Gemini API batch output
// file is such a log (its lines are {key, response}, no time of their own): refused with a hint
// naming the flag, then priced at the batch tier of the table in force on the date given. Rows that
// carry a timestamp keep theirs; bad dates and dates outside the timestamp range are usage errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmcost-row-time-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (key: string, prompt: number, out: number): string =>
  JSON.stringify({
    key,
    response: {
      candidates: [{ content: { parts: [{ text: '...' }], role: 'model' }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: prompt, candidatesTokenCount: out, totalTokenCount: prompt + out },
      modelVersion: 'gemini-2.5-flash',
    },
  });
// Gemini API batch output: two lines without a time
const batch = join(dir, 'gemini-batch.jsonl');
writeFileSync(batch, `${line('req-1', 1200, 300)}\n${line('req-2', 800, 100)}\n`);
// the same with a Vertex batch line that has its own processed_time
const mixed = join(dir, 'mixed.jsonl');
writeFileSync(
  mixed,
  `${line('req-1', 1200, 300)}\n${JSON.stringify({ ...JSON.parse(line('req-3', 2000, 400)), processed_time: '2026-11-25T10:00:00.000Z' })}\n`,
);

const json = async (args: string[]) => {
  const r = await runCli([...args, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

describe('--timestamp: the time of rows without one', () => {
  it('a Gemini API batch output is refused without it, with a hint naming it', async () => {
    const r = await runCli(['replay', batch]);
    expectUserError(r, 'no row has timestamp');
    expect(r.stderr).toContain('--timestamp DATE');
  });

  it('with it, the lines are priced at the batch tier of the table in force that day', async () => {
    const r = await json(['replay', batch, '--timestamp', '2026-11-20']);
    // gemini-2.5-flash batch (table 2026-11-18): $0.15 in, $1.25 out per 1M
    // 2,000 x 0.15 + 400 x 1.25 = 800 per 1M -> $0.0008
    expect(r.baseline.cost).toBe(0.0008);
    expect(r.rows).toEqual({ read: 2, priced: 2, rejected: 0 });
    expect([day(r.period.startMs), day(r.period.endMs)]).toEqual(['2026-11-20', '2026-11-20']);
    // a date-time with its zone is that instant
    const at = await json(['replay', batch, '--timestamp', '2026-11-20T14:00:00+01:00']);
    expect(at.period.startMs).toBe(Date.UTC(2026, 10, 20, 13));
  });

  it('the bundled Gemini API batch results file (scenarios/logs), its status object skipped', async () => {
    const r = await json(['replay', 'scenarios/logs/gemini-batch-output.jsonl', '--timestamp', '2026-11-20']);
    // 11 responses: 14,199 prompt x $0.15 + 1,916 candidates x $1.25 per 1M = 4,524.85 -> $0.004525
    expect(r.baseline.tokens).toMatchObject({ input: 14_199, output: 1_916 });
    expect(r.baseline.cost).toBe(0.004525);
    expect(r.rows).toEqual({ read: 12, priced: 11, rejected: 0, skipped: 1 });
  });

  it('a row with a timestamp of its own keeps it', async () => {
    const r = await json(['replay', mixed, '--timestamp', '2026-11-20']);
    // 1,200 x 0.15 + 300 x 1.25 = 555; 2,000 x 0.15 + 400 x 1.25 = 800 -> $0.001355
    expect(r.baseline.cost).toBe(0.001355);
    expect([day(r.period.startMs), day(r.period.endMs)]).toEqual(['2026-11-20', '2026-11-25']);
  });

  it('a CSV without a timestamp column, and a CSV row whose timestamp is empty', async () => {
    const noColumn = join(dir, 'no-time.csv');
    writeFileSync(noColumn, 'model,input_tokens,output_tokens\ngpt-4o-mini,1000,100\n');
    expectUserError(await runCli(['replay', noColumn]), 'header is missing required column');
    // gpt-4o-mini $0.15 / $0.60: 1,000 x 0.15 + 100 x 0.60 = 210 per 1M
    expect((await json(['replay', noColumn, '--timestamp', '2026-11-20'])).baseline.cost).toBe(0.00021);
    const empty = join(dir, 'empty-time.csv');
    writeFileSync(
      empty,
      'timestamp,model,input_tokens,output_tokens\n2026-11-02T00:00:00Z,gpt-4o-mini,1000,100\n,gpt-4o-mini,1000,100\n',
    );
    expect((await json(['replay', empty])).rows).toEqual({ read: 2, priced: 1, rejected: 1 });
    const given = await json(['replay', empty, '--timestamp', '2026-11-20']);
    expect(given.rows).toEqual({ read: 2, priced: 2, rejected: 0 });
    expect([day(given.period.startMs), day(given.period.endMs)]).toEqual(['2026-11-02', '2026-11-20']);
  });

  it('refuses a date that is not one, and a date outside the timestamp range (unless widened)', async () => {
    for (const bad of ['2026-02-30', '2026-11-20T25:00:00Z', '20261120', '2026-11-20T10:00:00'])
      expectUserError(await runCli(['replay', batch, '--timestamp', bad]), '--timestamp');
    expectUserError(await runCli(['replay', batch, '--timestamp', '2001-01-01']), 'outside the timestamp range');
    const wide = await runCli([
      'replay',
      batch,
      '--timestamp',
      '2001-01-01',
      '--timestamp-range',
      '2000-01-01..2030-01-01',
      '--format',
      'json',
    ]);
    expect(wide.code, wide.stderr).toBe(0);
    expect(day(JSON.parse(wide.stdout).period.startMs)).toBe('2001-01-01');
  });

  it('traffic.log.timestamp in a scenario: the same cost; a bad date is located in the file', async () => {
    const scenario = (ts: string): string => {
      const f = join(dir, 'gemini.yaml');
      writeFileSync(
        f,
        `name: gemini-batch\npricing: { version: "2026-11-18" }\ntraffic:\n  log:\n    file: gemini-batch.jsonl\n    timestamp: ${ts}\nstrategies: []\n`,
      );
      return f;
    };
    expect((await json(['simulate', scenario('2026-11-20')])).baseline.cost).toBe(0.0008);
    // replay LOG --scenario: the log and its --timestamp come from the flags
    const cap = join(dir, 'cap.yaml');
    writeFileSync(cap, 'name: cap\nstrategies:\n  - use: cap-output\n    max_output_tokens: 150\n');
    const capped = await json(['replay', batch, '--scenario', cap, '--timestamp', '2026-11-20']);
    // outputs 300 and 100 capped at 150: 2,000 x 0.15 + 250 x 1.25 per 1M = 612.5 -> $0.000613
    expect([capped.baseline.cost, capped.final.cost]).toEqual([0.0008, 0.000613]);
    const bad = await runCli(['simulate', scenario('2026-02-30')]);
    expectUserError(bad, 'gemini.yaml:6:16');
    expect(bad.stderr).toContain('error[SCHEMA]');
  });

  it('audit-cache, fit and advise read such a log too', async () => {
    expect((await runCli(['audit-cache', batch, '--timestamp', '2026-11-20'])).code).toBe(0);
    const advised = await runCli(['advise', batch, '--timestamp', '2026-11-20', '--format', 'json']);
    expect(advised.code, advised.stderr).toBe(0);
    // advise checks the date against its --timestamp-range, as replay does
    expectUserError(await runCli(['advise', batch, '--timestamp', '2001-01-01']), 'outside the timestamp range');
    const wide = ['--timestamp', '2001-01-01', '--timestamp-range', '2000-01-01..2030-01-01', '--format', 'json'];
    expect((await runCli(['advise', batch, ...wide])).code).toBe(0);
    const out = join(dir, 'fitted.yaml');
    const fitted = await runCli(['fit', batch, '--timestamp', '2026-11-20', '-o', out]);
    expect(fitted.code, fitted.stderr).toBe(0);
    // the fitted scenario says how it was made
    expect(readFileSync(out, 'utf8')).toContain('--timestamp 2026-11-20T00:00:00.000Z');
  });
});
