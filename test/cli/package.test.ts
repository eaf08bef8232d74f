// The package stands on its own: `npm pack` gives a tarball whose `llmcost` runs from an empty
// folder, with the bundled pricing tables, scenarios and the trace slices they read. The tarball is
// installed the way npm lays it out (node_modules/llmcost, a .bin link) but without the registry:
// its dependencies are this checkout's node_modules, so nothing reaches the network. Also: the
// README's `npx llmcost` runs this checkout's CLI offline.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const OFFLINE = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };

let scratch: string;
let pkg: string; // node_modules/llmcost of the install
let binDir: string; // node_modules/.bin
let empty: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'llmcost-pack-'));
  // --ignore-scripts: the test setup has built dist/ already; `prepare` would rebuild it under
  // the other test files' feet.
  const name = execFileSync(NPM, ['pack', '--ignore-scripts', '--silent', '--pack-destination', scratch], {
    cwd: ROOT,
    env: OFFLINE,
    encoding: 'utf8',
  }).trim();
  const prefix = join(scratch, 'prefix');
  pkg = join(prefix, 'node_modules/llmcost');
  binDir = join(prefix, 'node_modules/.bin');
  mkdirSync(pkg, { recursive: true });
  mkdirSync(binDir);
  execFileSync('tar', ['-xzf', join(scratch, name.split('\n').pop()!), '-C', pkg, '--strip-components=1']);
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  symlinkSync('../llmcost/bin/llmcost.js', join(binDir, 'llmcost'));
  chmodSync(join(pkg, 'bin/llmcost.js'), 0o755);
  empty = join(scratch, 'empty');
  mkdirSync(empty);
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }), 120_000);

function llmcost(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('llmcost', args, {
    cwd: empty,
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm pack: the installed llmcost works from an empty folder', () => {
  it('llmcost --version', () => {
    const r = llmcost(['--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('the bundled pricing tables: pricing list', () => {
    const r = llmcost(['pricing', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('claude-sonnet-4-5');
  });

  it('a bundled scenario over a bundled trace slice (mooncake-blocks) and a synthetic one (support-bot)', () => {
    const mooncake = llmcost(['simulate', join(pkg, 'scenarios/mooncake-blocks.yaml'), '--format', 'json']);
    expect(mooncake.code, mooncake.stderr).toBe(0);
    expect((JSON.parse(mooncake.stdout) as { requests: number }).requests).toBe(1750);
    const bot = llmcost(['simulate', join(pkg, 'scenarios/support-bot.yaml'), '--format', 'md']);
    expect(bot.code, bot.stderr).toBe(0);
    expect(bot.stdout).toContain('support-bot');
  });

  it('ships every file a bundled scenario names (logs, pricing files), inside the package', () => {
    for (const f of readdirSync(join(pkg, 'scenarios')).filter((n) => n.endsWith('.yaml'))) {
      const s = parse(readFileSync(join(pkg, 'scenarios', f), 'utf8')) as {
        traffic?: { log?: { file?: string } };
        pricing?: { file?: string };
      };
      for (const file of [s.traffic?.log?.file, s.pricing?.file]) {
        if (file === undefined) continue;
        const at = resolve(join(pkg, 'scenarios'), file);
        expect(relative(pkg, at).startsWith('..'), `${f}: ${file} is outside the package`).toBe(false);
        expect(existsSync(at), `${f}: ${file} is not in the package`).toBe(true);
      }
    }
    expect(existsSync(join(dirname(pkg), 'llmcost/dist/traffic/logs/worker.js'))).toBe(true);
  });
});

describe('npx llmcost in the repository', () => {
  it('runs this checkout without fetching anything', () => {
    // ignore-scripts: npx installs this folder into its cache as a package, which runs its
    // `prepare` (a build) in this folder, rewriting dist/ under the other test files' feet (a fresh
    // clone's suite once failed so: a module of dist/ read half-written)
    const out = execFileSync('npx', ['--offline', 'llmcost', '--version'], {
      cwd: ROOT,
      env: { ...OFFLINE, npm_config_ignore_scripts: 'true' },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(VERSION);
  });
});
