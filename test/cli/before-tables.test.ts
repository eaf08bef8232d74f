// A log older than every bundled table: its rows are priced with the oldest (2024-12-01), and the
// run says so (PRICING_BEFORE_TABLES) instead of billing 2024 rows at later prices in silence.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmcost-before-tables-'));
const log = (name: string, dates: string[]): string => {
  const f = join(dir, name);
  writeFileSync(
    f,
    `timestamp,model,input_tokens,output_tokens\n${dates.map((d) => `${d}T10:00:00Z,gpt-4o,1000,100`).join('\n')}\n`,
  );
  return f;
};
const early = log('early.csv', ['2024-06-01', '2025-01-10']);
const late = log('late.csv', ['2025-01-10']);

describe('PRICING_BEFORE_TABLES', () => {
  it('replay warns with the first date and the oldest table, and the JSON report keeps it', async () => {
    const r = await runCli(['replay', early, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'warning[PRICING_BEFORE_TABLES]: the traffic starts on 2024-06-01, before the oldest pricing table (2024-12-01, effective 2024-12-01)',
    );
    const j = JSON.parse(r.stdout);
    expect(j.warnings).toContainEqual(expect.stringContaining('before the oldest pricing table (2024-12-01'));
    // both rows priced at the 2024-12-01 table: 2 x (1,000 x $2.50 + 100 x $10) / 1M
    expect(j.baseline.cost).toBe(0.007);
  });
  it('fit and audit-cache say it too; a log within the tables does not', async () => {
    for (const cmd of [
      ['fit', early, '-o', join(dir, 'f.yaml')],
      ['audit-cache', early],
    ])
      expect((await runCli(cmd)).stderr, cmd[0]).toContain('warning[PRICING_BEFORE_TABLES]');
    expect((await runCli(['replay', late])).stderr).not.toContain('PRICING_BEFORE_TABLES');
  });
  it('a table the user pinned is theirs to judge: no warning', async () => {
    const r = await runCli(['replay', early, '--pricing', '2024-12-01']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('PRICING_BEFORE_TABLES');
  });
  it('simulate over the log (a scenario) warns once', async () => {
    const sc = join(dir, 'early.yaml');
    writeFileSync(sc, 'name: early\nseed: 1\ntraffic:\n  log:\n    file: early.csv\nstrategies: []\n');
    const r = await runCli(['simulate', sc]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/PRICING_BEFORE_TABLES/g)).toHaveLength(1);
  });
});
