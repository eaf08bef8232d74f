// Every command example a reader is shown runs as written: the shell blocks and inline
// `llmcost ...` spans of the Markdown files at the root (README.md, ...) and in docs/, and the
// Examples section of every --help text.
// Each source runs in order (a later example may read what an earlier one wrote) in its own copy of
// the repository, with `llmcost` on the PATH as `npm link` puts it there (a shim that runs
// bin/llmcost.js, which needs the dist/ that the test setup builds). An example passes when it
// exits 0, or 1 for a check (drift, --check, pricing check) whose point is to fail on a finding.
// The sources are split into shards (SHARDS), one test file each (test/cli/examples-*.test.ts), so
// the test runner spreads them over the cores; every source is in exactly one shard.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { type Example, helpCommands, helpExamples, markdownExamples } from './examples.js';

const ROOT = join(import.meta.dirname, '../..');
const TIME_LIMIT_MS = 120_000;
const CHROMIUM_PRESENT = existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium');

/** Examples not run here, each with the reason. Keep this list short. */
const NOT_RUN: { match: RegExp; reason: string }[] = [
  { match: /^npm (install|ci)\b/, reason: 'the set-up command itself (the examples run after it)' },
  { match: /\bnpm test\b|\bnpx vitest\b/, reason: 'runs the test suite, from inside the test suite' },
  { match: /^npm run build$/, reason: 'the test setup has built dist/ (test/helpers/build-dist.ts)' },
  {
    match: /--runs 20\b/,
    reason: '20 full simulations (~40 s); --runs is tested in test/unit/monte-carlo.test.ts and sweep-monte-carlo',
  },
  ...(CHROMIUM_PRESENT
    ? []
    : [{ match: /screenshot-html\.mjs/, reason: 'needs Chromium, which is not installed here (CI installs it)' }]),
];

/** A check command: exit 1 (a limit exceeded, a price disagreeing) is the answer, not a failure. */
const CHECK = /\bdrift\b|(?<!pricing )\bdiff\b|--check\b|\bpricing check\b/;

/**
 * The shards, by source name (README.md, docs/logs.md, `advise --help`, ...). The heaviest
 * sources (advise and drift run many simulations) have shards of their own; `help` takes every
 * --help the others do not, so a new command's examples are run without a change here.
 */
const SHARDS = {
  'root-md': (name: string) => !name.startsWith('docs/') && name.endsWith('.md'),
  docs: (name: string) => name.startsWith('docs/'),
  'help-advise-fit': (name: string) => name === 'advise --help' || name === 'fit --help',
  'help-drift-diff': (name: string) => name === 'drift --help' || name === 'diff --help',
  help: (name: string) => name.endsWith(' --help'),
} as const;
export type Shard = keyof typeof SHARDS;

/** The shard a source belongs to: the first whose test matches. */
function shardOf(name: string): Shard {
  for (const [shard, test] of Object.entries(SHARDS)) if (test(name)) return shard as Shard;
  throw new Error(`no examples shard takes the source '${name}' (test/helpers/examples-suite.ts SHARDS)`);
}

async function helpSources(): Promise<[string, Example[]][]> {
  const out: [string, Example[]][] = [];
  const visit = async (path: string[]) => {
    const help = (await runCli([...path, '--help'])).stdout;
    if (path.length) out.push([`${path.join(' ')} --help`, helpExamples(`${path.join(' ')} --help`, help)]);
    for (const sub of helpCommands(help)) await visit([...path, sub]);
  };
  await visit([]);
  return out;
}

/** Every source of examples, in the order they are numbered (root Markdown, docs/, then each --help). */
async function allSources(): Promise<[string, Example[]][]> {
  const docs = [...readdirSync(ROOT), ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
    f.endsWith('.md'),
  );
  return [
    ...docs.map((f): [string, Example[]] => [f, markdownExamples(f, readFileSync(join(ROOT, f), 'utf8'))]),
    ...(await helpSources()),
  ];
}

/**
 * A copy of the repository a source's examples may write into: what examples read (scenarios,
 * pricing, data, scripts, bin, test/fixtures, ...), without the sources and tests they do not;
 * node_modules and dist are linked.
 */
function workspace(scratch: string, name: string): string {
  const dir = join(scratch, name.replace(/[^\w.-]+/g, '_'));
  mkdirSync(dir);
  for (const entry of readdirSync(ROOT)) {
    if (['node_modules', 'dist', '.git', 'src', 'test', 'bench', 'docs'].includes(entry)) continue;
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  cpSync(join(ROOT, 'test/fixtures'), join(dir, 'test/fixtures'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'dist'), join(dir, 'dist'));
  return dir;
}

/**
 * Run one example in `cwd`. A plain `llmcost` command (words only: no quotes, pipes, redirections
 * or variables) runs in-process through the CLI's main(), as bin/llmcost.js would run it, which
 * spares a Node start per example; anything else runs in sh with the shim on the PATH.
 */
async function run(command: string, cwd: string, shimDir: string): Promise<{ code: number | null; stderr: string }> {
  if (/^llmcost(\s+[^\s|&;<>()$`'"\\*?]+)+$/.test(command)) {
    const r = await runCli(command.split(/\s+/).slice(1), { cwd });
    return { code: r.code, stderr: r.stderr };
  }
  const r = spawnSync('sh', ['-c', command], {
    cwd,
    env: { ...process.env, PATH: `${shimDir}:${process.env.PATH}`, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: TIME_LIMIT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stderr: `${r.error ? `${r.error.message}\n` : ''}${r.stderr}` };
}

/**
 * True when every file the command names is a file of the repository (so it does not depend on
 * what an earlier example wrote) and it redirects nothing: run again elsewhere, it gives the same.
 */
function readsOnlyRepoFiles(command: string): boolean {
  if (/[>|]/.test(command)) return false;
  const paths = command
    .split(/[\s=]+/)
    .filter((w) => w.includes('/') || /\.(ya?ml|jsonl?|csv|gz|md|html|png)$/.test(w));
  return paths.every((p) => existsSync(join(ROOT, p)));
}

/**
 * For each example (by source and index), where the same command, reading only files of the
 * repository, runs earlier in the order of all sources (in whichever shard): run again, it would
 * give the same, so it is not.
 */
function repeats(sources: [string, Example[]][]): Map<Example, string> {
  const first = new Map<string, string>();
  const out = new Map<Example, string>();
  for (const [, examples] of sources)
    for (const ex of examples) {
      if (NOT_RUN.some((n) => n.match.test(ex.command))) continue;
      const earlier = first.get(ex.command);
      if (earlier && readsOnlyRepoFiles(ex.command)) out.set(ex, earlier);
      else if (!earlier) first.set(ex.command, ex.where);
    }
  return out;
}

/** The examples test of one shard (see SHARDS); `root-md` also checks that examples are found at all. */
export async function exampleTests(shard: Shard): Promise<void> {
  const sources = await allSources();
  const repeated = repeats(sources);

  const scratch = mkdtempSync(join(tmpdir(), `llmcost-examples-${shard}-`));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }), 120_000);

  // `llmcost` on the PATH, as `npm link` (or a global install) puts it there.
  const shimDir = join(scratch, 'bin');
  mkdirSync(shimDir);
  writeFileSync(
    join(shimDir, 'llmcost'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/llmcost.js')}" "$@"\n`,
    { mode: 0o755 },
  );

  describe('every documented command example runs as written', () => {
    if (shard === 'root-md')
      it('finds the examples: every command has one in its --help, the docs have many; each source is in a shard', () => {
        const help = sources.filter(([name]) => name.endsWith('--help'));
        expect(help.length).toBeGreaterThanOrEqual(14);
        for (const [name, examples] of help)
          if (name !== 'pricing --help') expect(examples.length, `${name} has no example`).toBeGreaterThan(0);
        expect(sources.reduce((n, [, e]) => n + e.length, 0)).toBeGreaterThan(60);
        for (const [name] of sources) expect(Object.keys(SHARDS)).toContain(shardOf(name));
      });

    for (const [name, examples] of sources) {
      if (examples.length === 0 || shardOf(name) !== shard) continue;
      describe(name, () => {
        let cwd: string | undefined;
        for (const ex of examples) {
          const skip = NOT_RUN.find((n) => n.match.test(ex.command));
          const title = `${ex.where}: ${ex.command}`;
          if (skip) {
            it.skip(`${title} (not run: ${skip.reason})`, () => {});
            continue;
          }
          const earlier = repeated.get(ex);
          if (earlier) {
            it.skip(`${title} (not run again: the same command, reading only files of the repository, runs at ${earlier})`, () => {});
            continue;
          }
          it(
            title,
            async () => {
              cwd ??= workspace(scratch, name);
              const r = await run(ex.command, cwd, shimDir);
              const allowed = CHECK.test(ex.command) ? [0, 1] : [0];
              expect(allowed, `exit ${r.code}\nstderr:\n${r.stderr.slice(0, 2000)}`).toContain(r.code);
            },
            TIME_LIMIT_MS + 10_000,
          );
        }
      });
    }
  });
}
