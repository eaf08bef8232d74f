import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('colour', () => {
  it('a table written with --out has no escape codes even on a colour terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-color-'));
    const out = join(dir, 'r.txt');
    const r = await runCli(['replay', 'scenarios/logs/support-bot.csv', '--out', out], {
      env: { FORCE_COLOR: '1' },
      isTTY: true,
    });
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('baseline');
    expect(text).not.toMatch(/\u001b\[/);
  });
  it('the same table on a colour terminal is coloured, and NO_COLOR turns it off', async () => {
    const on = await runCli(['replay', 'scenarios/logs/support-bot.csv'], {
      env: { FORCE_COLOR: '1', NO_COLOR: '' },
      isTTY: true,
    });
    expect(on.stdout).toMatch(/\u001b\[/);
    const off = await runCli(['replay', 'scenarios/logs/support-bot.csv'], { env: { NO_COLOR: '1' }, isTTY: true });
    expect(off.stdout).not.toMatch(/\u001b\[/);
  });
});
