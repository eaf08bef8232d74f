// What a pipeline may touch of the outside world. bin/ passes the real process; tests and scripts
// pass their own (a fake stdout/stderr, another cwd).
import { resolve } from 'node:path';

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

/** A path as given on the command line, made absolute against the Io's cwd ('-' stays stdin/stdout). */
export function resolvePath(io: Io, p: string): string {
  return p === '-' ? p : resolve(io.cwd, p);
}
