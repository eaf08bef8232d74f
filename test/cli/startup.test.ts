// Start-up: `estimate` with a bundled table reads its compiled form and loads neither the YAML
// parser nor the schemas (zod, yaml: ~0.2 s, twice `node -e 0`); a user's table file, or a bundled
// table edited after the build, is parsed as before. Runs the built CLI (bin/llmcost.js) in a
// process whose module resolution refuses zod and yaml.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const ESTIMATE = ['estimate', '--model', 'gpt-4o', '--input-tokens', '100', '--output-tokens', '10'];
let scratch: string;
let noParser: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'llmcost-startup-'));
  // a module hook that makes `import 'zod'` / `import 'yaml'` fail, from node_modules or as the
  // command line's bundle holds them (scripts/bundle-cli.mjs): loading either is then a crash
  const hook = `export async function resolve(s, c, next) {
    const r = await next(s, c);
    if (/\\/node_modules\\/(zod|yaml)\\/|\\/cli-bundle\\/vendor-(zod|yaml)-/.test(r.url)) throw new Error('start-up loaded ' + r.url);
    return r;
  }`;
  writeFileSync(join(scratch, 'hook.mjs'), hook);
  noParser = join(scratch, 'no-parser.mjs');
  writeFileSync(
    noParser,
    `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${join(scratch, 'hook.mjs')}`)});\n`,
  );
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(bin: string, args: string[], opts: { noParser?: boolean } = {}) {
  const r = spawnSync(process.execPath, [...(opts.noParser ? ['--import', noParser] : []), bin, ...args], {
    cwd: scratch,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const bin = join(ROOT, 'bin/llmcost.js');

describe('start-up of estimate', () => {
  it('estimate and --version load neither zod nor yaml, and print what they print with them', () => {
    const plain = run(bin, ESTIMATE);
    expect(plain.code, plain.stderr).toBe(0);
    const without = run(bin, ESTIMATE, { noParser: true });
    expect(without.code, without.stderr).toBe(0);
    expect(without.stdout).toBe(plain.stdout);
    expect(without.stderr).toBe(plain.stderr);
    const asOf = run(bin, [...ESTIMATE, '--as-of', '2025-01-15'], { noParser: true });
    expect(asOf.code, asOf.stderr).toBe(0);
    expect(asOf.stdout).not.toBe(plain.stdout); // another table (2024-12-01), still without the parser
    const version = run(bin, ['--version'], { noParser: true });
    expect(version.code, version.stderr).toBe(0);
  });

  it("a user's table file is parsed: it needs yaml and zod, and its errors are located", () => {
    const mine = join(scratch, 'mine.yaml');
    writeFileSync(mine, readFileSync(join(ROOT, 'pricing/2026-11-18.yaml'), 'utf8'));
    // the hook proves the parser is used: without it the run cannot read the file
    expect(run(bin, [...ESTIMATE, '--pricing', mine], { noParser: true }).code).not.toBe(0);
    const ok = run(bin, [...ESTIMATE, '--pricing', mine]);
    expect(ok.code, ok.stderr).toBe(0);
    writeFileSync(mine, readFileSync(mine, 'utf8').replace('input: "2.50"', 'input: "cheap"'));
    const bad = run(bin, [...ESTIMATE, '--pricing', mine]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/mine\.yaml:\d+:\d+/);
  });

  it('a bundled table edited after the build is priced from its YAML, never from the stale compiled form', () => {
    // a copy of the installed package: bin, dist (with the compiled tables), pricing, package.json
    const pkg = join(scratch, 'pkg');
    for (const d of ['bin', 'dist', 'pricing', 'package.json'])
      cpSync(join(ROOT, d), join(pkg, d), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const pkgBin = join(pkg, 'bin/llmcost.js');
    const before = run(pkgBin, ESTIMATE, { noParser: true });
    expect(before.code, before.stderr).toBe(0);
    const table = join(pkg, 'pricing/2026-11-18.yaml');
    writeFileSync(table, readFileSync(table, 'utf8').replace(/(gpt-4o:\n(?:.*\n)*?\s+input: )"2.50"/, '$1"5.00"'));
    const after = run(pkgBin, ESTIMATE);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).not.toBe(before.stdout);
    // the same figures as the edited file read as a user's file (YAML + schema)
    const asFile = run(bin, [...ESTIMATE, '--pricing', table]);
    expect(after.stdout).toBe(asFile.stdout);
  });
});
