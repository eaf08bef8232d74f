// The command's edge: colour decisions, --format parsing and writing the output (stdout or --out).
import { userError } from '../diagnostics.js';
import { type Io, resolvePath, type Stream } from '../app/io.js';
import { FORMATS, type Format } from '../report/formats.js';
import { writeOutputFile } from '../shared/output-file.js';
import { terminalText } from '../shared/text.js';

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

export interface EmitOptions {
  /** names where the path came from in error messages (default --out) */
  flag?: string;
  /** the text carries our own colour codes (a coloured table): its user text is already terminal-safe */
  styled?: boolean;
}

/**
 * Write `text` to `out` (a file, by the rules of shared/output-file.ts: atomic for a regular file,
 * written through for a device or FIFO, a symlink's target, never a folder), or to stdout. On an
 * interactive stdout every format is made terminal-safe (a hostile name in Markdown or CSV must not
 * drive the terminal either); files and pipes get the bytes as rendered.
 */
export function emit(io: Io, text: string, out?: string, o: EmitOptions = {}): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (!out || out === '-') {
    io.stdout.write(io.stdout.isTTY === true && !o.styled ? terminalText(body, { lines: true }) : body);
    return;
  }
  writeOutputFile(resolvePath(io, out), body, { flag: o.flag ?? '--out', shown: out });
}

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
