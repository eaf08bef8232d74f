// User-derived text (model, tenant, scenario, label, key, reason, message) made safe for the place
// it is printed: a terminal (shared/text.ts terminalText, also used for every diagnostic), Markdown,
// HTML. One function per place, used by every renderer, so a hostile name (`\x1b]0;title\x07`,
// `\x1b[2J`, `|`, `<script>`) can neither drive the terminal nor break a table.
import { terminalText } from '../shared/text.js';

export { terminalText };

/** Escape text for a GitHub-flavoured Markdown table cell or inline text (one line, no HTML, no markup). */
export function mdEscape(s: string): string {
  return terminalText(s.replace(/\r\n|\r|\n/g, ' '))
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([*_`[\]~])/g, '\\$1');
}

/** Escape text for HTML/XML content and attribute values (control characters made visible). */
export function htmlEscape(s: string): string {
  return terminalText(s, { lines: true })
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Text as a Markdown code span (backticks included): shown literally, so nothing is escaped inside
 * but control characters and line breaks; the fence is longer than any run of backticks in it.
 */
export function mdCode(s: string): string {
  const body = terminalText(s);
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}
