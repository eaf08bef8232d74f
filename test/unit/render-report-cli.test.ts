// `llmcost report --from`: re-render a saved report; broken or foreign files are exit 2 with the
// place (file:line:column) and a hint, and --out is never half-written.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../src/report/render.js';
import { expectUserError, runCli } from '../helpers/cli.js';
import { fullReport } from '../golden/fixture.js';

let dir = '';
let saved = '';
let savedText = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmcost-report-'));
  savedText = render(await fullReport(), 'json', { color: false });
  saved = join(dir, 'saved.json');
  writeFileSync(saved, savedText);
});

const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};

describe('report --from', () => {
  it('re-renders every format exactly as the original run would', async () => {
    const r = await fullReport();
    for (const f of ['table', 'md', 'csv', 'html'] as const) {
      const out = await runCli(['report', '--from', 'saved.json', '--format', f], { cwd: dir });
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toBe(`${render(r, f, { color: false })}${f === 'csv' || f === 'html' ? '' : '\n'}`);
    }
  });
  it('round-trips JSON byte for byte (json -> report --format json)', async () => {
    const out = await runCli(['report', '--from', 'saved.json', '--format', 'json'], { cwd: dir });
    expect(out.stdout).toBe(savedText);
  });
  it('reads a saved report from stdin with --from -', async () => {
    const out = await runCli(['report', '--from', '-', '--format', 'md'], { cwd: dir, stdin: savedText });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('### llmcost: support');
  });
  it('writes --out atomically and nothing on stdout', async () => {
    mkdirSync(join(dir, 'sub'));
    const out = await runCli(['report', '--from', 'saved.json', '--format', 'html', '--out', 'sub/r.html'], {
      cwd: dir,
    });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('');
    expect(readFileSync(join(dir, 'sub/r.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['r.html']); // no temp file left behind
  });
  it('colours the table only on a TTY, never with NO_COLOR', async () => {
    const tty = await runCli(['report', '--from', 'saved.json'], { cwd: dir, isTTY: true, env: { NO_COLOR: '' } });
    expect(tty.stdout).toMatch(/\u001b\[/);
    const noColor = await runCli(['report', '--from', 'saved.json'], { cwd: dir, isTTY: true });
    expect(noColor.stdout).not.toMatch(/\u001b\[/);
  });
  it('help has an example', async () => {
    const out = await runCli(['report', '--help']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('llmcost report --from saved.json --format md');
  });
});

describe('report --from: bad input is exit 2 with place and hint', () => {
  it('missing --from', async () => {
    expectUserError(await runCli(['report'], { cwd: dir }), '--from');
  });
  it('missing file', async () => {
    expectUserError(await runCli(['report', '--from', 'nope.json'], { cwd: dir }), 'nope.json');
  });
  it('unknown --format', async () => {
    expectUserError(await runCli(['report', '--from', 'saved.json', '--format', 'pdf'], { cwd: dir }), '--format');
  });
  it('broken JSON names line and column', async () => {
    const f = write('broken.json', '{\n  "schema": "llmcost.report/v1",\n  "scenario": ,\n}\n');
    const out = await runCli(['report', '--from', f], { cwd: dir });
    expectUserError(out, 'broken.json:3:15'); // the ',' after "scenario": at line 3, column 15
    expect(out.stderr).toContain('REPORT_INPUT');
  });
  it('truncated JSON points at the end of the file', async () => {
    const f = write('cut.json', savedText.slice(0, 200));
    expectUserError(await runCli(['report', '--from', f], { cwd: dir }), /cut\.json:\d+:\d+/);
  });
  it('an empty file', async () => {
    expectUserError(await runCli(['report', '--from', write('empty.json', '')], { cwd: dir }), 'empty.json');
  });
  it('a foreign JSON file (no schema)', async () => {
    const out = await runCli(['report', '--from', write('pkg.json', '{"name": "x", "version": "1"}')], { cwd: dir });
    expectUserError(out, 'pkg.json');
    expect(out.stderr).toContain("not an llmcost report: no 'schema' field");
  });
  it('a report of another schema version', async () => {
    const out = await runCli(
      ['report', '--from', write('v2.json', savedText.replace('llmcost.report/v1', 'llmcost.report/v2'))],
      { cwd: dir },
    );
    expectUserError(out, 'v2.json:2:13');
    expect(out.stderr).toContain("unsupported report schema 'llmcost.report/v2'");
  });
  it('a wrong shape names the field and its line', async () => {
    const bad = JSON.parse(savedText) as { steps: { cost: unknown }[]; rows?: unknown };
    bad.steps[1]!.cost = 'cheap';
    delete bad.rows;
    const text = JSON.stringify(bad, null, 2);
    const out = await runCli(['report', '--from', write('shape.json', text)], { cwd: dir });
    const line = text.split('\n').findIndex((l) => l.includes('"cost": "cheap"')) + 1;
    expectUserError(out, `shape.json:${line}:`);
    expect(out.stderr).toContain('steps[1].cost');
    expect(out.stderr).toContain('rows');
  });
  it('checks the pricing provenance fields too (tables, catalog, model channel)', async () => {
    const bad = JSON.parse(savedText) as {
      pricing: { tables: { requests: unknown }[]; catalog: unknown };
      models: { channel?: unknown }[];
    };
    bad.pricing.tables[0]!.requests = -1;
    bad.pricing.catalog = { version: 'litellm-2026-08-01', requests: 2 };
    bad.models[0]!.channel = 7;
    const out = await runCli(['report', '--from', write('provenance.json', JSON.stringify(bad, null, 2))], {
      cwd: dir,
    });
    expectUserError(out, 'provenance.json:');
    expect(out.stderr).toContain('pricing.tables[0].requests');
    expect(out.stderr).toContain("missing key 'baselineCost' in pricing.catalog");
    expect(out.stderr).toContain('models[0].channel');
  });
  it('binary garbage', async () => {
    expectUserError(
      await runCli(['report', '--from', write('bin.json', '\u0000\u0001\u0002PK\u0003\u0004')], { cwd: dir }),
      'bin.json',
    );
  });
  it('leaves no --out file when the input is bad', async () => {
    await runCli(['report', '--from', 'pkg.json', '--out', 'never.html'], { cwd: dir });
    expect(existsSync(join(dir, 'never.html'))).toBe(false);
  });
});
