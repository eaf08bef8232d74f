// End to end: `pricing diff`, `pricing import --from litellm`, `pricing check --against litellm`.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const OLD = 'test/fixtures/pricing/old.yaml';
const NEW = 'test/fixtures/pricing/new.yaml';
const LL = 'test/fixtures/pricing/litellm-sample.json';

describe('llmcost pricing diff', () => {
  it('json: added, removed, renamed and each change with %', async () => {
    const r = await runCli(['pricing', 'diff', OLD, NEW, '--format', 'json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.schema).toBe('llmcost.pricing-diff/v1');
    expect(d.added.map((m: { model: string }) => m.model)).toEqual(['fresh']);
    expect(d.removed.map((m: { model: string }) => m.model)).toEqual(['retired']);
    expect(d.renamed).toEqual([{ from: 'old-name', to: 'new-name' }]);
  });
  it('md and table name the field, old, new and % change', async () => {
    const md = await runCli(['pricing', 'diff', OLD, NEW, '--format', 'md']);
    expect(md.stdout).toContain('| big | output | 15.00 | 18.00 | +20.00% |'); // (18-15)/15
    const t = await runCli(['pricing', 'diff', OLD, NEW]);
    expect(t.stdout).toMatch(/small\s+│ batch\.output\s+│ 2\.00\s+│ 1\.80\s+│ -10\.00%/);
  });
  it('bundled versions by name; a wrong name is a located error', async () => {
    expect((await runCli(['pricing', 'diff', '2024-12-01', '2026-11-01'])).code).toBe(0);
    expectUserError(await runCli(['pricing', 'diff', '2024-12-01', '2025-13-01']), 'NEW argument');
  });
});

describe('llmcost pricing import --from litellm', () => {
  it('writes a valid dated table (atomically) and warns about what LiteLLM does not say', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-import-'));
    const out = join(dir, '2026-12-01.yaml');
    const r = await runCli([
      'pricing',
      'import',
      '--from',
      'litellm',
      LL,
      '--models',
      'claude-sonnet-4=claude-sonnet-4-20250514,gpt-4o',
      '--version',
      '2026-12-01',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('LiteLLM lists no batch prices');
    const v = await runCli(['pricing', 'validate', out]);
    expect(v.stdout).toContain('pricing 2026-12-01 (effective 2026-12-01), 2 models');
    expect(readFileSync(out, 'utf8')).toContain('write_1h: "6.00"');
  });
  it('needs a date: --version or one in the file name (never the clock)', async () => {
    expectUserError(await runCli(['pricing', 'import', '--from', 'litellm', LL, '--models', 'gpt-4o']), '--version');
  });
  it('unknown model: did-you-mean from the file, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-import-'));
    const out = join(dir, 'x.yaml');
    const r = await runCli([
      'pricing',
      'import',
      '--from',
      'litellm',
      LL,
      '--models',
      'gpt-4o,gpt-4oo',
      '--version',
      '2026-12-01',
      '--out',
      out,
    ]);
    expectUserError(r, '--models');
    expect(r.stderr).toContain("did you mean 'gpt-4o'");
    expect(existsSync(out)).toBe(false);
  });
  it('rejects another source and broken JSON with file:line:col', async () => {
    expectUserError(
      await runCli(['pricing', 'import', '--from', 'openrouter', LL, '--models', 'gpt-4o', '--version', '2026-12-01']),
      '--from',
    );
    expectUserError(
      await runCli(['pricing', 'check', '--against', 'litellm', 'test/fixtures/pricing/old.yaml']),
      'old.yaml:',
    );
  });
});

describe('llmcost pricing check --against litellm', () => {
  it('lists disagreements (model, field, ours, theirs); metadata alone (context window) exits 0', async () => {
    const r = await runCli([
      'pricing',
      'check',
      '--against',
      'litellm',
      LL,
      '--pricing',
      '2026-11-01',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // our 400,000-token window is input+output; LiteLLM's max_input_tokens is 272,000
    expect(j.disagreements).toContainEqual({
      model: 'gpt-5-mini',
      key: 'gpt-5-mini',
      field: 'context_window',
      ours: '400000',
      theirs: '272000',
      kind: 'differs',
      category: 'metadata',
    });
    expect(j.failing).toBe(0);
    expect(j.notFound).toContain('claude-opus-4-6');
  });
  it('md output for a PR', async () => {
    const r = await runCli([
      'pricing',
      'check',
      '--against',
      'litellm',
      LL,
      '--pricing',
      '2026-11-01',
      '--format',
      'md',
    ]);
    expect(r.stdout).toContain('| gpt-5-nano | gpt-5-nano | priority.input | - | 2.50 | only-theirs |');
  });
});
