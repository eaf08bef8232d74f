// Run the CLI in-process with a fake Io: read stdout, stderr and the exit code.
import { Readable } from 'node:stream';
import { main } from '../../src/cli/index.js';
import type { Io } from '../../src/app/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; stdin?: string; isTTY?: boolean } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.isTTY ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.isTTY ?? false },
    ...(opts.stdin !== undefined ? { stdin: Readable.from([opts.stdin]) } : {}),
    cwd: opts.cwd ?? process.cwd(),
    env: { NO_COLOR: '1', ...(opts.env ?? {}) },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** A user error: exit 2, a located message, a hint, no stack trace. */
export function expectUserError(r: CliResult, where: RegExp | string): void {
  if (r.code !== 2) throw new Error(`expected exit 2, got ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`);
  const w = typeof where === 'string' ? where : undefined;
  if (w !== undefined ? !r.stderr.includes(w) : !(where as RegExp).test(r.stderr))
    throw new Error(`stderr does not name ${String(where)}:\n${r.stderr}`);
  if (!/hint:|--help/.test(r.stderr)) throw new Error(`no hint in:\n${r.stderr}`);
  if (/\n\s+at .+\(.+:\d+:\d+\)/.test(r.stderr)) throw new Error(`stack trace in user error:\n${r.stderr}`);
}
