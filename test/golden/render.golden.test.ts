// Golden tests: every renderer on fixed reports, compared byte for byte with test/golden/expected/.
// Regenerate after an intended change with `UPDATE_GOLDEN=1 npx vitest run test/golden` and review
// the diff. The tool version is scrubbed so a release does not churn the files.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/render.js';
import type { Format } from '../../src/report/formats.js';
import { bareReport, fullReport, TOOL_VERSION } from './fixture.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'expected');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

export function scrub(text: string): string {
  return text.split(TOOL_VERSION).join('VERSION');
}

function golden(name: string, actual: string): void {
  const file = join(DIR, name);
  const text = scrub(actual);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`missing golden file ${name}: run UPDATE_GOLDEN=1 npx vitest run test/golden`);
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  expect(text, `${name} differs from the golden file (UPDATE_GOLDEN=1 to regenerate, then review the diff)`).toBe(
    readFileSync(file, 'utf8'),
  );
}

const EXT: Record<Format, string> = { table: 'txt', json: 'json', md: 'md', csv: 'csv', html: 'html' };

describe('golden: full report (steps, standalone, fixed, by, checks, extras, warnings)', async () => {
  const report = await fullReport();
  for (const f of ['table', 'json', 'md', 'csv', 'html'] as const) {
    it(`renders ${f}`, () => golden(`full.${EXT[f]}`, render(report, f, { color: false })));
  }
  it('renders md in a display currency (EUR at 0.92)', () =>
    golden('full.eur.md', render({ ...report, display: { currency: 'EUR', fx: 0.92 } }, 'md')));
  it('renders the table in colour (ANSI) when asked', () =>
    golden('full.color.txt', render(report, 'table', { color: true })));
});

describe('golden: bare report (no strategies, no attribution)', async () => {
  const report = await bareReport();
  for (const f of ['table', 'md', 'csv', 'html'] as const) {
    it(`renders ${f}`, () => golden(`bare.${EXT[f]}`, render(report, f, { color: false })));
  }
});

describe('golden: cost review (diff of test/fixtures/diff/base.yaml -> head.yaml)', async () => {
  const { diff } = await import('../../src/app/diff.js');
  const { DIFF_RENDERERS } = await import('../../src/report/diff/render.js');
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: root, env: {} };
  const report = await diff(
    {
      base: 'test/fixtures/diff/base.yaml',
      head: 'test/fixtures/diff/head.yaml',
      limits: { maxIncreasePct: 5, maxIncreaseUsd: null },
    },
    { io, version: TOOL_VERSION },
  );
  it('renders md', () => golden('diff.md', DIFF_RENDERERS.md(report)));
  it('renders table', () => golden('diff.txt', DIFF_RENDERERS.table(report)));
});

describe('docs/reports.md', async () => {
  const report = await fullReport();
  it('names every section of the CSV report (the first header cell of each) in its csv table', () => {
    const doc = readFileSync(join(DIR, '../../../docs/reports.md'), 'utf8');
    const csv = render(
      { ...report, display: { currency: 'EUR', fx: 0.92 }, cache: { realism: 'realistic', rules: ['breakpoints'] } },
      'csv',
    );
    const sections = csv.split('\n\n').map((s) => s.slice(0, s.search(/[,\n]/)));
    expect(sections).toEqual(
      expect.arrayContaining(['stage', 'rowsRead', 'model', 'pricedBy', 'cacheRealism', 'displayCurrency']),
    );
    for (const name of sections)
      expect(doc, `docs/reports.md lists no CSV section '${name}'`).toContain(`| \`${name}\` |`);
  });
});
