// Shared state of one CLI invocation: the Io and the exit code (decided in one place).
import type { Command } from 'commander';
import { type Diagnostic, formatDiagnostic } from '../diagnostics.js';
import type { Io } from '../app/io.js';

export interface App {
  io: Io;
  /** 1 = a check failed; commands set it, run() returns it */
  exitCode: number;
  warn(d: Diagnostic | string): void;
  version: string;
}

export type Register = (program: Command, app: App) => void;

export function makeApp(io: Io, version: string): App {
  const app: App = {
    io,
    exitCode: 0,
    version,
    warn(d) {
      io.stderr.write(`${typeof d === 'string' ? `warning: ${d}` : formatDiagnostic(d)}\n`);
    },
  };
  return app;
}
