// `llmcost estimate` at a service tier other than standard: priced at the tier's prices, and the
// header says which tier (the figures alone would not).
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('llmcost estimate --tier', () => {
  it('flex: gpt-5 at $0.625 / $5 per 1M, and the header names the tier', async () => {
    const args = ['estimate', '--model', 'gpt-5', '--input-tokens', '1000', '--output-tokens', '100'];
    const more = ['--requests', '1000', '--pricing', '2026-11-18', '--cache', 'off'];
    const flex = await runCli([...args, ...more, '--tier', 'flex']);
    expect(flex.code, flex.stderr).toBe(0);
    // 1,000 x (1,000 x $0.625 + 100 x $5) / 1M = $1.125 a day
    expect(flex.stdout.split('\n')[0]).toContain('1,000 input + 100 output tokens · flex tier · cache off');
    expect(flex.stdout).toContain('$1.13');
    const json = await runCli([...args, ...more, '--tier', 'flex', '--format', 'json']);
    expect(JSON.parse(json.stdout).rows[0].daily.noCache).toBe(1.125);
    const standard = await runCli([...args, ...more]);
    expect(standard.stdout.split('\n')[0]).not.toContain('tier');
  });
});

describe('llmcost estimate without a shared prefix', () => {
  it('says caching saves nothing and what to give; not with a prefix or with the cache off', async () => {
    const note = 'no shared prefix (--system-tokens 0)';
    const bare = JSON.parse((await runCli(['estimate', '--model', 'gpt-4o', '--format', 'json'])).stdout);
    expect(bare.notes).toEqual([expect.stringContaining(note)]);
    expect(bare.rows[0].saving.pct).toBe(0);
    for (const more of [
      ['--system-tokens', '4000'],
      ['--cache', 'off'],
    ]) {
      const r = JSON.parse((await runCli(['estimate', '--model', 'gpt-4o', ...more, '--format', 'json'])).stdout);
      expect(r.notes.join(' '), more.join(' ')).not.toContain(note);
    }
  });
});
