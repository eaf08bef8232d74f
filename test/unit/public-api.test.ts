// The package's public API as a script sees it: `import ... from 'llmcost'` resolves through
// package.json `exports` to the built entry (dist/, compiled by the test setup), with declaration
// files beside it, and the pipelines give the same results as the CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Run an ES module script as a user's script would (self-reference by package name from the repo). */
function script(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
}

describe("import from 'llmcost'", () => {
  it('package.json exports the built entry and its declarations', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: { '.': { types: string; default: string } };
    };
    expect(existsSync(join(ROOT, pkg.exports['.'].default))).toBe(true);
    const dts = readFileSync(join(ROOT, pkg.exports['.'].types), 'utf8');
    for (const name of ['simulate', 'replayLog', 'drift', 'sweep', 'estimate', 'render', 'UserError'])
      expect(dts).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('simulate from a script gives the report the CLI prints (README example)', async () => {
    const md = script(`
      import { simulate, render } from 'llmcost';
      const report = await simulate({ scenario: 'scenarios/support-bot.yaml' });
      process.stdout.write(render(report, 'md'));
    `);
    const cli = await runCli(['simulate', 'scenarios/support-bot.yaml', '--format', 'md'], { cwd: ROOT });
    expect(cli.code, cli.stderr).toBe(0);
    expect(`${md}\n`).toBe(cli.stdout);
  });

  it('a user mistake is a UserError with coded diagnostics, not a crash', () => {
    const out = script(`
      import { estimate, UserError } from 'llmcost';
      try {
        await estimate({ model: 'no-such-model', requestsPerDay: [1000], systemTokens: 0, inputTokens: 10,
          outputTokens: 10, cache: 'off', days: 30, tier: 'standard' });
      } catch (e) {
        process.stdout.write(JSON.stringify({ user: e instanceof UserError, code: e.diagnostics[0].code }));
      }
    `);
    expect(JSON.parse(out)).toEqual({ user: true, code: 'UNKNOWN_MODEL' });
  });

  it('the declarations type-check a TypeScript consumer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-api-'));
    const file = join(dir, 'use.ts');
    writeFileSync(
      file,
      `import { simulate, render, type Report, type SimulateInput } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};
const input: SimulateInput = { scenario: 'x.yaml', runs: 3 };
export async function cost(): Promise<number> {
  const r: Report = await simulate(input, { warn: (d) => console.error(d) });
  render(r, 'md');
  return r.final.cost;
}
`,
    );
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules/@types'),
        file,
      ],
      { cwd: dir, encoding: 'utf8' },
    );
  });
});
