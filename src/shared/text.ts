// The one terminal-safe text function: anything derived from user input (a model or tenant name, a
// scenario label, a log field, a file name) passes through it before it reaches a terminal, so it
// cannot retitle, clear or recolour the terminal, nor hide text with bidi overrides.

/** Characters a terminal may act on: C0 controls, DEL, C1 controls, line/paragraph separators, bidi overrides. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_KEEP_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  const code = c.charCodeAt(0);
  // tabs and line breaks are layout: a space keeps the line
  if (c === '\t' || c === '\n' || c === '\r') return ' ';
  // caret notation for C0 and DEL (ESC -> ^[), \u escapes for the rest: visible, inert, distinct
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text for a terminal: every control character shown in a visible, inert form (ESC as `^[`, BEL as
 * `^G`, C1 and bidi controls as `\u009b`), tabs and line breaks as spaces, so it stays on one line.
 * With `lines`, newlines and tabs are kept (a whole rendered document printed to a terminal).
 */
export function terminalText(s: string, o: { lines?: boolean } = {}): string {
  return o.lines ? s.replace(UNSAFE_KEEP_LINES, visible) : s.replace(UNSAFE, visible);
}
