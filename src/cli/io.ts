// What a command may touch of the outside world. bin/ passes the real process; tests pass fakes.
import { resolve } from 'node:path';
import { userError } from '../diagnostics.js';
import { writeOutputFile } from '../shared/output-file.js';

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: Stream;
  stderr: Stream;
  stdin?: NodeJS.ReadableStream;
  cwd: string;
  env: Record<string, string | undefined>;
}

export function colorEnabled(io: Io, stream: Stream = io.stdout): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** Colour and width for a report written to stdout; a file (--out) never gets escape codes. */
export function renderOptions(io: Io, out?: string): { color: boolean; width?: number } {
  const toFile = out !== undefined && out !== '-';
  return { color: !toFile && colorEnabled(io), ...(!toFile && io.stdout.columns ? { width: io.stdout.columns } : {}) };
}

export function resolvePath(io: Io, p: string): string {
  return p === '-' ? p : resolve(io.cwd, p);
}

/**
 * Write `text` to `out` (a file, by the rules of shared/output-file.ts: atomic for a regular file,
 * written through for a device or FIFO, a symlink's target, never a folder), or to stdout.
 * `flag` names where the path came from in error messages.
 */
export function emit(io: Io, text: string, out?: string, flag = '--out'): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (!out || out === '-') {
    io.stdout.write(body);
    return;
  }
  writeOutputFile(resolvePath(io, out), body, { flag, shown: out });
}

export const FORMATS = ['table', 'json', 'md', 'csv', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(value: string, allowed: readonly Format[] = FORMATS): Format {
  const v = value === 'markdown' ? 'md' : value;
  if (!(allowed as readonly string[]).includes(v)) {
    throw userError('USAGE', `unknown format '${value}'`, {
      where: '--format',
      hint: `use one of: ${allowed.join(', ')}`,
    });
  }
  return v as Format;
}
