// README's table of which command takes which --format values and --out stays true: each row is
// compared with the command's own --help, and every command appears in it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { helpCommands } from '../helpers/examples.js';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

/** Rows of the table whose header is `| command | `--format` | `--out` |`: command -> {formats, out}. */
function readmeTable(): Map<string, { formats: string[]; out: boolean }> {
  const lines = README.split('\n');
  const start = lines.findIndex((l) => /^\| command \| `--format` \| `--out` \|/.test(l));
  expect(start, 'README has the --format/--out table').toBeGreaterThanOrEqual(0);
  const rows = new Map<string, { formats: string[]; out: boolean }>();
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    const [commands, formats, out] = lines[i]!.split('|').slice(1, 4) as [string, string, string];
    const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    for (const c of ticked(commands))
      rows.set(c, {
        formats: formats.trim().startsWith('—') ? [] : ticked(formats),
        out: out.trim().startsWith('yes'),
      });
  }
  return rows;
}

async function helpOf(command: string): Promise<string> {
  return (await runCli([...command.split(' ').filter(Boolean), '--help'])).stdout;
}

describe('README: which commands take --format and --out', () => {
  it('every row agrees with the command --help, and every command has a row', async () => {
    const table = readmeTable();
    const commands: string[] = [];
    for (const c of helpCommands(await helpOf(''))) {
      const subs = helpCommands(await helpOf(c));
      commands.push(...(subs.length ? subs.map((s) => `${c} ${s}`) : [c]));
    }
    expect([...table.keys()].sort()).toEqual(commands.sort());
    for (const c of commands) {
      const help = await helpOf(c);
      const formats = /--format <format>\s+output format: ([a-z|]+)/.exec(help)?.[1]?.split('|') ?? [];
      expect(table.get(c)!.formats.sort(), `${c} --format`).toEqual(formats.sort());
      expect(table.get(c)!.out, `${c} --out`).toBe(/--out <file>/.test(help));
    }
  });
});
