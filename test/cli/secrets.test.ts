// A scenario is code that arrives in pull requests and runs in CI (docs/ci.md). These tests plant
// a secret in files a scenario names — outside its folder, inside it, behind a symlink, as its
// log, its pricing table or its rejects file — and run every command that reads scenarios in every
// output format: the secret never appears on stdout or stderr, and a file outside the allowed
// folders is refused without being opened (a FIFO there would block the run if it were).
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const SECRETS = ['abc123SECRET', 'AKIASECRETID', 'AWS_SECRET_ACCESS_KEY', 'aws_secret_access_key'];
const root = mkdtempSync(join(tmpdir(), 'llmcost-secrets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const outside = join(root, 'outside');
const repo = join(root, 'repo');
const scen = join(repo, 'scenarios');
mkdirSync(outside, { recursive: true });
mkdirSync(scen, { recursive: true });
const CREDENTIALS = 'AWS_SECRET_ACCESS_KEY=abc123SECRET\nAWS_ACCESS_KEY_ID=AKIASECRETID\n';
writeFileSync(join(outside, 'credentials'), CREDENTIALS);
writeFileSync(join(outside, 'creds.jsonl'), '{"aws_secret_access_key": "abc123SECRET", "id": "AKIASECRETID"}\n');
writeFileSync(join(scen, 'inside.env'), CREDENTIALS);
writeFileSync(join(scen, 'inside.jsonl'), '{"aws_secret_access_key": "abc123SECRET"}\n');
copyFileSync(join(import.meta.dirname, '..', 'fixtures', 'bad', '_shared', 'pricing.yaml'), join(scen, 'pricing.yaml'));
writeFileSync(join(scen, 'log.csv'), 'timestamp,model,input_tokens,output_tokens\n2026-11-02T10:00:00Z,m,1000,500\n');
symlinkSync(join(outside, 'credentials'), join(scen, 'link.csv'));
let fifo: string | undefined;
try {
  execFileSync('mkfifo', [join(outside, 'fifo.csv')]);
  fifo = '../../outside/fifo.csv';
} catch {
  fifo = undefined; // no mkfifo here: the other cases still run
}

const PROFILE = `  profile:
    requests_per_day: 10
    arrivals: uniform
    segments: [{ name: chat, model: m, input_tokens: 1000, output_tokens: 500 }]`;
function scenario(name: string, body: string): string {
  writeFileSync(join(scen, `${name}.yaml`), `name: ${name}\n${body}\n`);
  return `scenarios/${name}.yaml`;
}
const CASES: { name: string; file: string; outsideTree: boolean; code: string }[] = [
  {
    name: 'log outside the tree',
    file: scenario(
      'log-outside',
      'pricing: { file: pricing.yaml }\ntraffic:\n  log: { file: ../../outside/credentials }',
    ),
    outsideTree: true,
    code: 'PATH_NOT_ALLOWED',
  },
  {
    name: 'JSONL log outside the tree',
    file: scenario(
      'jsonl-outside',
      'pricing: { file: pricing.yaml }\ntraffic:\n  log: { file: ../../outside/creds.jsonl }',
    ),
    outsideTree: true,
    code: 'PATH_NOT_ALLOWED',
  },
  {
    name: 'log through a symlink that leads out',
    file: scenario('log-link', 'pricing: { file: pricing.yaml }\ntraffic:\n  log: { file: link.csv }'),
    outsideTree: true,
    code: 'PATH_NOT_ALLOWED',
  },
  {
    name: 'pricing table outside the tree',
    file: scenario('pricing-outside', `pricing: { file: ../../outside/credentials }\ntraffic:\n${PROFILE}`),
    outsideTree: true,
    code: 'PATH_NOT_ALLOWED',
  },
  {
    name: 'rejects file outside the tree',
    file: scenario(
      'rejects-outside',
      'pricing: { file: pricing.yaml }\ntraffic:\n  log: { file: log.csv, rejects: ../../outside/rejects.csv }',
    ),
    outsideTree: true,
    code: 'PATH_NOT_ALLOWED',
  },
  ...(fifo
    ? [
        {
          name: 'a FIFO outside the tree (opening it would block)',
          file: scenario('fifo-outside', `pricing: { file: pricing.yaml }\ntraffic:\n  log: { file: ${fifo} }`),
          outsideTree: true,
          code: 'PATH_NOT_ALLOWED',
        },
      ]
    : []),
  {
    name: 'a credentials file inside the tree as the log',
    file: scenario('log-inside', 'pricing: { file: pricing.yaml }\ntraffic:\n  log: { file: inside.env }'),
    outsideTree: false,
    code: 'LOG_HEADER',
  },
  {
    name: 'a JSON credentials file inside the tree as the log',
    file: scenario('jsonl-inside', 'pricing: { file: pricing.yaml }\ntraffic:\n  log: { file: inside.jsonl }'),
    outsideTree: false,
    code: 'LOG_HEADER',
  },
  {
    name: 'a credentials file inside the tree as the pricing table',
    file: scenario('pricing-inside', `pricing: { file: inside.env }\ntraffic:\n${PROFILE}`),
    outsideTree: false,
    code: 'SCHEMA',
  },
];

const FORMATS = {
  simulate: ['table', 'json', 'md', 'csv', 'html'],
  sweep: ['table', 'json', 'md', 'csv', 'html'],
  drift: ['table', 'md', 'json'],
  replay: ['table', 'json', 'md', 'csv', 'html'],
} as const;
function commands(file: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const f of FORMATS.simulate) out.push([`simulate ${f}`, ['simulate', file, '--format', f]]);
  for (const f of FORMATS.sweep) out.push([`sweep ${f}`, ['sweep', file, '--set', 'seed=1,2', '--format', f]]);
  for (const f of FORMATS.drift)
    out.push([
      `drift ${f}`,
      ['drift', '--baseline', 'scenarios/pricing.yaml', '--current', 'scenarios/pricing.yaml', file, '--format', f],
    ]);
  for (const f of FORMATS.replay)
    out.push([`replay --scenario ${f}`, ['replay', 'scenarios/log.csv', '--scenario', file, '--format', f]]);
  return out;
}

function noSecret(text: string, what: string): void {
  for (const s of SECRETS) expect(text, `${what} printed '${s}'`).not.toContain(s);
}

describe('secrets in files a scenario names never reach the output (docs/ci.md)', () => {
  for (const c of CASES) {
    it(`${c.name}: every command and format`, async () => {
      for (const [what, args] of commands(c.file)) {
        const out = join(root, 'out');
        rmSync(out, { recursive: true, force: true });
        mkdirSync(out);
        const r = await runCli([...args, '--out', join(out, 'report')], { cwd: repo });
        noSecret(`${r.stdout}\n${r.stderr}`, what);
        // replay --scenario reads the log (and writes the rejects) the command line names: of the
        // scenario's paths only its pricing table is used
        // drift prices with --baseline/--current, never the scenario's table (its path is still checked)
        const unused =
          (what.startsWith('replay') && !c.file.includes('pricing')) ||
          (what.startsWith('drift') && c.file.includes('pricing-inside'));
        if (unused) {
          expect(r.code, `${what}: ${r.stderr}`).toBe(0);
          continue;
        }
        expectUserError(r, /./);
        expect(r.stderr, what).toContain(`error[${c.code}]`);
        expect(readdirSync(out), `${what}: nothing written`).toEqual([]);
      }
      expect(existsSync(join(outside, 'rejects.csv')), 'no rejects file outside').toBe(false);
    }, 60_000);
  }

  it('--allow-path lets a trusted scenario read outside; a file that is not a log is still not quoted', async () => {
    const r = await runCli(['simulate', 'scenarios/log-outside.yaml', '--allow-path', '../outside'], { cwd: repo });
    expectUserError(r, 'credentials:1');
    expect(r.stderr).toContain('error[LOG_HEADER]');
    noSecret(`${r.stdout}\n${r.stderr}`, 'simulate --allow-path');
    const ok = await runCli(
      ['simulate', 'scenarios/rejects-outside.yaml', '--allow-path', join(root, 'outside'), '--format', 'json'],
      { cwd: repo },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(join(outside, 'rejects.csv'))).toBe(true);
  });

  it('the working folder is allowed as well as the scenario folder; a filesystem root is not', async () => {
    // the scenario names ../log.csv (outside scenarios/), which is inside the working folder
    copyFileSync(join(scen, 'log.csv'), join(repo, 'log.csv'));
    const file = scenario('cwd-log', 'pricing: { file: pricing.yaml }\ntraffic:\n  log: { file: ../log.csv }');
    expect((await runCli(['simulate', file], { cwd: repo })).code).toBe(0);
    const fromScen = await runCli(['simulate', 'cwd-log.yaml'], { cwd: scen });
    expect(fromScen.stderr).toContain('error[PATH_NOT_ALLOWED]');
    const fromRoot = await runCli(['simulate', join(scen, 'log-outside.yaml')], { cwd: '/' });
    expect(fromRoot.stderr).toContain('error[PATH_NOT_ALLOWED]');
  });
});
