// replay --rows FILE: one line per call with its token classes and exact cost, baseline and (with
// --scenario) after the strategies. The lines add up to the report's own totals; the file is only
// written for a log read to its end.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const REPO = resolve(import.meta.dirname, '../..');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'llmcost-rows-'));

function csvRows(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

const sum = (rows: Record<string, string | number>[]): number => rows.reduce((s, r) => s + Number(r.cost_usd), 0);

describe('replay --rows', () => {
  it('CSV: one baseline line per priced row, adding up to the baseline cost', async () => {
    const out = join(tmp(), 'calls.csv');
    const r = await runCli(['replay', 'scenarios/logs/support-bot.csv', '--rows', out, '--format', 'json'], {
      cwd: REPO,
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const rows = csvRows(out);
    expect(rows).toHaveLength(200);
    expect(rows.every((x) => x.stage === 'baseline')).toBe(true);
    expect(sum(rows)).toBeCloseTo(report.baseline.cost, 6);
    // each line's timestamp is its own row's (the writer keeps the last one's text for the next)
    const log = readFileSync(join(REPO, 'scenarios/logs/support-bot.csv'), 'utf8').trimEnd().split('\n');
    for (const x of rows) expect(x.timestamp).toBe(new Date(log[Number(x.line) - 1]!.split(',')[0]!).toISOString());
    // req-0004: 4,512 input of which 4,200 read from the cache, 189 out, on claude-sonnet-4-6
    // ($3 input, $0.30 cache read, $15 output per 1M): 312 x 3 + 4200 x 0.3 + 189 x 15 = 5,031 micro-USD
    expect(rows.find((x) => x.request_id === 'req-0004')).toMatchObject({
      line: '5',
      model: 'claude-sonnet-4-6',
      input_tokens: '312',
      cache_read_tokens: '4200',
      cache_write_5m_tokens: '0',
      output_tokens: '189',
      cost_usd: '0.005031',
    });
  });

  it('JSONL with --scenario: the baseline and every call after the strategies, each adding up to its total', async () => {
    const out = join(tmp(), 'calls.jsonl');
    const r = await runCli(
      [
        'replay',
        'scenarios/logs/support-bot.csv',
        '--scenario',
        'scenarios/log-what-if.yaml',
        '--rows',
        out,
        '--format',
        'json',
      ],
      { cwd: REPO },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const rows = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string | number>);
    const base = rows.filter((x) => x.stage === 'baseline');
    const final = rows.filter((x) => x.stage === 'final');
    expect(base).toHaveLength(200);
    expect(final).toHaveLength(200);
    expect(sum(base)).toBeCloseTo(report.baseline.cost, 6);
    expect(sum(final)).toBeCloseTo(report.final.cost, 6);
    // the route step moved some Sonnet calls to Haiku, the batch step put batchable ones on the batch tier
    expect(
      final.some(
        (x) =>
          x.model === 'claude-haiku-4-5' &&
          base.find((b) => b.request_id === x.request_id)!.model === 'claude-sonnet-4-6',
      ),
    ).toBe(true);
    expect(final.some((x) => x.service_tier === 'batch')).toBe(true);
  });

  it('a name without .csv or .jsonl is a usage error; a log that stops leaves no file', async () => {
    expectUserError(
      await runCli(['replay', 'scenarios/logs/support-bot.csv', '--rows', join(tmp(), 'calls.txt')], { cwd: REPO }),
      '--rows',
    );
    const out = join(tmp(), 'calls.csv');
    const r = await runCli(
      ['replay', 'test/fixtures/bad/log-bad-timestamp-strict/log.csv', '--strict', '--rows', out],
      {
        cwd: REPO,
      },
    );
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
