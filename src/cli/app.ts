// Shared state of one CLI invocation: the Io and the exit code (decided in one place).
import type { Command } from 'commander';
import { type Context, stderrLine, warningLine } from '../app/context.js';
import type { Io } from '../app/io.js';
import { terminalText } from '../shared/text.js';
import { createProgress } from './progress.js';

/** The pipelines' Context, plus the exit code. */
export interface App extends Context {
  /** 1 = a check failed; commands set it, run() returns it */
  exitCode: number;
  /** one line for stderr (a status, a failed check), made terminal-safe */
  note(line: string): void;
}

export type Register = (program: Command, app: App) => void;

export function makeApp(io: Io, version: string): App {
  const app: App = {
    io,
    exitCode: 0,
    version,
    warn(d) {
      stderrLine(io, warningLine(d));
    },
    progress: (label) => createProgress(io, label),
    note(line) {
      stderrLine(io, terminalText(line));
    },
  };
  return app;
}
