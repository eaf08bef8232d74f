// The bad-input corpus: one folder per failure under test/fixtures/bad/, driven by this table.
// Each folder holds case.json (args, expectation) and the input files it needs. An error case
// asserts exit 2, the place (file:line:column, flag or model), a hint, no stack trace, and no
// --out file. An `accept` case (BOM, CRLF, quoted newlines...) asserts correct parsing instead.
// A case whose command has not landed yet runs as it.todo, so nothing is silently missing.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/index.js';
import { CODES } from '../../src/diagnostics.js';
import type { Io } from '../../src/app/io.js';
import { type CliResult, expectUserError, runCli } from '../helpers/cli.js';

const BAD = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'bad');

export interface BadCase {
  title: string;
  /** CLI arguments; relative paths resolve from the case folder. `{tmp}` = a scratch folder. */
  args: string[];
  expect: 'error' | 'accept';
  /** diagnostic code, asserted as `error[CODE]` */
  code?: string;
  /** substring naming the place: file:line:col, a flag, a model */
  where?: string;
  /** more substrings stderr must contain (did-you-mean, reason) */
  stderr?: string[];
  /** substrings stdout must contain (accept cases) */
  stdout?: string[];
  /** substrings that must appear in neither stdout nor stderr (a planted secret, a raw input line) */
  absent?: string[];
  /** accept cases: dotted path in the stdout JSON -> expected value */
  json?: Record<string, unknown>;
  /** append --out {tmp}/out.txt and assert nothing is written on error */
  out?: boolean;
  /** expected exit code of an accept case (default 0) */
  exit?: number;
  /** text piped to standard input (for `replay -`) */
  stdin?: string;
  /** keep as it.todo with this reason even when the command exists */
  todo?: string;
  /** a known bug, reported to the owner: runs as it.fails, so the fix turns it red until removed */
  bug?: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'llmcost-bad-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Command paths the CLI has today, e.g. "estimate", "pricing validate". */
async function registeredCommands(): Promise<Set<string>> {
  const io: Io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: process.cwd(), env: {} };
  const { program } = await buildProgram(io);
  const names = new Set<string>();
  for (const c of program.commands) {
    names.add(c.name());
    for (const sub of c.commands) names.add(`${c.name()} ${sub.name()}`);
  }
  return names;
}
const COMMANDS = await registeredCommands();

/** The command a case needs: "pricing diff" for pricing subcommands, else the first word. */
function commandOf(args: string[]): string {
  const [a, b] = args;
  return a === 'pricing' ? `${a} ${b ?? ''}`.trim() : (a ?? '');
}
/** Cases about an unknown command/flag need no particular command. */
const needsCommand = (c: BadCase): boolean => !/^unknown command/.test(c.where ?? '');

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

export async function runCase(c: BadCase, dir: string, name: string): Promise<CliResult> {
  const tmp = mkdtempSync(join(scratch, `${name}-`));
  const out = join(tmp, 'out.txt');
  const args = c.args.map((a) => a.replaceAll('{tmp}', tmp));
  const r = await runCli(c.out ? [...args, '--out', out] : args, {
    cwd: dir,
    ...(c.stdin !== undefined ? { stdin: c.stdin } : {}),
  });
  expect(r.stderr, 'an internal error is a bug, not a user error').not.toMatch(/internal error/);
  for (const s of c.absent ?? []) expect(`${r.stdout}\n${r.stderr}`, `'${s}' must not be printed`).not.toContain(s);
  if (c.expect === 'error') {
    expectUserError(r, c.where ?? /./);
    if (c.code) expect(r.stderr).toContain(`error[${c.code}]`);
    for (const s of c.stderr ?? []) expect(r.stderr).toContain(s);
    expect(r.stdout, 'no data on stdout after an error').toBe('');
    if (c.out) expect(readdirSync(tmp), 'no --out file, not even a temp file').toEqual([]);
  } else {
    expect(r.code, r.stderr).toBe(c.exit ?? 0);
    const text = c.out ? readFileSync(out, 'utf8') : r.stdout;
    for (const s of c.stdout ?? []) expect(text).toContain(s);
    for (const s of c.stderr ?? []) expect(r.stderr).toContain(s);
    if (c.json) {
      const doc = JSON.parse(text) as unknown;
      for (const [path, want] of Object.entries(c.json)) expect(getPath(doc, path), path).toEqual(want);
    }
  }
  return r;
}

const cases = readdirSync(BAD, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => ({
    name: d.name,
    dir: join(BAD, d.name),
    c: JSON.parse(readFileSync(join(BAD, d.name, 'case.json'), 'utf8')) as BadCase,
  }))
  .sort((a, b) => (a.name < b.name ? -1 : 1));

describe('bad-input corpus (test/fixtures/bad)', () => {
  it('has a case per failure listed in issue 8', () => {
    // issue 8's list -> the folders that cover it (a deleted or renamed case turns this red)
    const REQUIRED: Record<string, string[]> = {
      'malformed YAML': ['pricing-malformed-yaml', 'scenario-malformed-yaml'],
      'unknown keys (did-you-mean)': ['pricing-unknown-key', 'scenario-unknown-key', 'scenario-unknown-option'],
      'wrong types': ['pricing-wrong-types', 'scenario-wrong-type-option'],
      'negative/NaN/huge token counts': [
        'flag-tokens-negative',
        'flag-tokens-nan',
        'flag-tokens-huge',
        'log-bad-token-counts',
        'scenario-negative-tokens',
        'scenario-huge-volume',
      ],
      'unknown model': ['flag-unknown-model', 'log-unknown-model', 'scenario-unknown-model'],
      'unknown strategy': ['scenario-unknown-strategy'],
      'share > 1': ['scenario-share-above-1'],
      'invalid TTL': ['flag-invalid-ttl', 'scenario-invalid-ttl'],
      'missing CSV columns': ['log-missing-columns'],
      'ragged rows': ['log-ragged-rows', 'log-ragged-rows-strict'],
      'BOM, CRLF, quoted newlines (accepted)': [
        'log-bom-accepted',
        'log-crlf-accepted',
        'log-quoted-newlines-accepted',
        'pricing-bom-crlf-accepted',
        'scenario-bom-crlf-accepted',
      ],
      'empty file': ['pricing-empty-file', 'log-empty-file', 'scenario-empty', 'report-empty'],
      'binary garbage': ['pricing-binary-garbage', 'log-binary-garbage'],
      'truncated .gz': ['log-truncated-gz'],
      'mixed timestamp formats and time zones': ['log-mixed-timestamps'],
      'duplicate ids': [
        'pricing-duplicate-model-key',
        'pricing-duplicate-alias',
        'log-duplicate-ids',
        'scenario-duplicate-segment',
      ],
      'YAML alias bomb': ['pricing-alias-bomb', 'scenario-alias-bomb'],
      'pricing table missing fields / inconsistent long-context band': [
        'pricing-missing-required',
        'pricing-long-context-inconsistent',
      ],
      'bad --format': ['flag-bad-format', 'scenario-flag-format'],
      'unknown flag': ['flag-unknown-flag'],
      '--as-of not a date': ['flag-as-of-not-a-date', 'flag-as-of-impossible-date'],
      '--requests 0 or negative': ['flag-requests-zero', 'flag-requests-negative'],
    };
    const names = new Set(cases.map((c) => c.name));
    const missing = Object.entries(REQUIRED).flatMap(([item, folders]) =>
      folders.filter((f) => !names.has(f)).map((f) => `${item}: ${f}`),
    );
    expect(missing).toEqual([]);
    // the single 10 MB line is generated below (not committed)
  });
  for (const { name, dir, c } of cases) {
    const cmd = commandOf(c.args);
    if (c.todo || (needsCommand(c) && !COMMANDS.has(cmd))) {
      it.todo(`${name}: ${c.title} (${c.todo ?? `waits for \`${cmd}\``})`);
      continue;
    }
    if (c.bug) {
      it.fails(`${name}: ${c.title} [known bug: ${c.bug}]`, async () => {
        await runCase(c, dir, name);
      });
      continue;
    }
    it(`${name}: ${c.title}`, async () => {
      await runCase(c, dir, name);
    });
  }
});

describe('docs/errors.md', () => {
  it('documents every diagnostic code', () => {
    const doc = readFileSync(join(BAD, '..', '..', '..', 'docs', 'errors.md'), 'utf8');
    expect(Object.keys(CODES).filter((c) => !doc.includes(`\`${c}\``))).toEqual([]);
  });
});

describe('generated bad inputs (too big or too volatile to commit)', () => {
  it('a single 10 MB line in a pricing table is a located YAML error, quickly', async () => {
    const dir = mkdtempSync(join(scratch, 'long-line-'));
    // an unterminated quoted scalar 10 MB long on line 1
    writeFileSync(join(dir, 'table.yaml'), `version: "${'x'.repeat(10 * 1024 * 1024)}\n`);
    const r = await runCli(['pricing', 'validate', 'table.yaml'], { cwd: dir });
    expectUserError(r, 'table.yaml:');
    expect(r.stderr.length, 'the message must not echo the 10 MB line').toBeLessThan(2000);
  });

  it('a single 10 MB line in a CSV log is one rejected row named by its line; the rows around it are priced', async () => {
    const dir = mkdtempSync(join(scratch, 'long-log-line-'));
    const row = '2026-11-02T10:00:00Z,m,1000,500\n';
    writeFileSync(
      join(dir, 'log.csv'),
      `timestamp,model,input_tokens,output_tokens\n${row}${'x'.repeat(10 * 1024 * 1024)}\n${row}`,
    );
    const r = await runCli(
      ['replay', 'log.csv', '--pricing', join(BAD, '_shared', 'pricing.yaml'), '--format', 'json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('log.csv:3');
    expect(r.stderr.length, 'the message must not echo the 10 MB line').toBeLessThan(5000);
    const doc = JSON.parse(r.stdout) as {
      rows: { read: number; priced: number; rejected: number };
      baseline: { cost: number };
    };
    expect(doc.rows).toEqual({ read: 3, priced: 2, rejected: 1 });
    expect(doc.baseline.cost).toBe(0.004); // 2 x (1000 x $1 + 500 x $2) / 1M
  });

  it('an error keeps an existing --out file as it was (atomic write)', async () => {
    const dir = mkdtempSync(join(scratch, 'keep-out-'));
    const out = join(dir, 'report.json');
    writeFileSync(out, 'previous run\n');
    const r = await runCli(['estimate', '--model', 'no-such-model', '--format', 'json', '--out', out], { cwd: dir });
    expectUserError(r, '--model');
    expect(readFileSync(out, 'utf8')).toBe('previous run\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('an --out path under a file (not a directory) is a located WRITE error', async () => {
    const dir = mkdtempSync(join(scratch, 'out-under-file-'));
    writeFileSync(join(dir, 'file'), 'x');
    const r = await runCli(
      ['estimate', '--pricing', join(BAD, '_shared', 'pricing.yaml'), '--model', 'm', '--out', 'file/out.txt'],
      { cwd: dir },
    );
    expectUserError(r, '--out');
    expect(existsSync(join(dir, 'file', 'out.txt'))).toBe(false);
  });
});
