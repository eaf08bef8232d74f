// `pricing check` as a CI gate: exit 1 only for a price that differs and no accepted entry covers;
// metadata (context window) never fails; an accepted entry pins LiteLLM's value; a stale one warns.
import { describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const DIFFERS = 'test/fixtures/pricing/litellm-price-differs.json';
const ACCEPTED = 'test/fixtures/pricing/accepted.yaml';
const check = (...extra: string[]) =>
  runCli(['pricing', 'check', '--against', 'litellm', DIFFERS, '--pricing', '2026-11-01', ...extra]);

describe('pricing check as a CI gate', () => {
  it('exits 1 for a price difference, listed first as "differs", metadata separately', async () => {
    const r = await check('--format', 'json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.failing).toBe(1);
    expect(j.disagreements).toContainEqual({
      model: 'gpt-5-mini',
      key: 'gpt-5-mini',
      field: 'input',
      ours: '0.25',
      theirs: '0.30',
      kind: 'differs',
      category: 'price',
    });
    const t = await check();
    expect(t.stdout).toContain('1 prices differ (1 not accepted), 2 metadata values differ');
    const rows = t.stdout.split('\n').filter((l) => l.startsWith('│ gpt-5'));
    expect(rows[0]).toMatch(/│ input .* differs/);
    expect(rows.at(-1)).toMatch(/only-theirs/);
  });

  it('an accepted entry turns it into "accepted" with its reason, exit 0; an unused entry warns', async () => {
    const r = await check('--accepted', ACCEPTED);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 prices differ (0 not accepted, 1 accepted)');
    expect(r.stdout).toMatch(/│ input .* accepted/);
    expect(r.stdout).toContain('accepted: gpt-5-mini input: the vendor page says $0.25 (reviewed)');
    expect(r.stderr).toContain('accepted difference gpt-5-nano output (theirs 9.99) matched nothing');
  });

  it('an entry pinned to another LiteLLM value does not cover the difference', async () => {
    const r = await check('--accepted', 'test/fixtures/pricing/accepted-other-value.yaml');
    expect(r.code).toBe(1);
  });

  it('a malformed accepted file is exit 2, located', async () => {
    const r = await check('--accepted', 'test/fixtures/pricing/accepted-bad.yaml');
    expectUserError(r, 'accepted-bad.yaml:3:5');
  });
});
