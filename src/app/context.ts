// What every pipeline gets besides its options: the outside world (Io), the tool's version (it
// goes into every saved report) and where warnings go. The CLI passes its own; a script calling
// the package gets quiet defaults (the process's cwd and environment, warnings dropped - they are
// in the returned report's `warnings` too).
import { readFileSync } from 'node:fs';
import { type Diagnostic, formatDiagnostic } from '../diagnostics.js';
import { terminalText } from '../shared/text.js';
import type { Io } from './io.js';

export interface Context {
  io: Io;
  /** llmcost's version, written into reports */
  version: string;
  warn(d: Diagnostic | string): void;
  /** a progress line for a long pass (the CLI draws one on an interactive stderr); none when absent */
  progress?(label: string): Progress;
}

export interface Progress {
  /** `rows` read so far; `fraction` 0..1 of the source done, when known; `label`: a phase's own (else the line's) */
  update(rows: number, fraction?: number | null, label?: string): void;
  /** erase the line */
  done(): void;
}

export const NO_PROGRESS: Progress = { update() {}, done() {} };

/** The package's version (package.json beside dist/ or src/). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}

/** A warning as the CLI prints it: `warning[CODE] where: message` (a bare string as `warning: ...`). */
export function warningLine(d: Diagnostic | string): string {
  return typeof d === 'string' ? `warning: ${terminalText(d)}` : formatDiagnostic(d);
}

/** `warn`, saying each warning once (two are the same when they print the same line) */
export function onceEach(warn: (d: Diagnostic | string) => void): (d: Diagnostic | string) => void {
  const said = new Set<string>();
  return (d) => {
    const line = warningLine(d);
    if (said.has(line)) return;
    said.add(line);
    warn(d);
  };
}

/**
 * A line on stderr (a warning, a note, an error), on a line of its own: on a terminal, a status
 * line being drawn (a progress bar, a sweep's configurations) is cleared first.
 */
export function stderrLine(io: Pick<Io, 'stderr'>, line: string): void {
  io.stderr.write(`${io.stderr.isTTY === true ? '\r\x1b[K' : ''}${line}\n`);
}

/** A note on stderr: `note: ...` (stderrLine). */
export function sayNote(io: Pick<Io, 'stderr'>, message: string): void {
  stderrLine(io, `note: ${terminalText(message)}`);
}

/**
 * A complete context from what a caller gives. Without an Io: the process's cwd, environment and
 * stdin; output streams that are not terminals (so no progress line is ever drawn).
 */
export function makeContext(partial: Partial<Context> = {}): Context {
  const io: Io = partial.io ?? {
    stdout: { write: (s: string) => process.stdout.write(s), isTTY: false },
    stderr: { write: (s: string) => process.stderr.write(s), isTTY: false },
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
  };
  return { ...partial, io, version: partial.version ?? packageVersion(), warn: partial.warn ?? (() => {}) };
}
