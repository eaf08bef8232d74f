// Finds the command examples a reader is shown: shell blocks and inline `llmcost ...` spans in
// Markdown, and the Examples section of a --help text. Pure text in, commands out; the examples
// test runs them.

export interface Example {
  /** where the reader sees it: README.md:12, docs/logs.md:10, `replay --help` */
  where: string;
  /** the command as a shell would run it (continuation lines joined, trailing comment dropped) */
  command: string;
}

const SHELL_FENCE = /^(\s*)```(sh|bash|shell|console)\s*$/;

/** A trailing ` # comment` outside quotes removed (a '#' inside a word, as in 'a#b', stays). */
function dropComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** Commands of shell lines: `\` continuations joined, comments and blank lines dropped. */
export function shellCommands(lines: { text: string; line: number }[], where: (line: number) => string): Example[] {
  const out: Example[] = [];
  let pending: { text: string; line: number } | undefined;
  for (const { text, line } of lines) {
    const t = dropComment(text.trim());
    const joined = pending ? `${pending.text} ${t}` : t;
    const first = pending?.line ?? line;
    if (joined.endsWith('\\')) {
      pending = { text: joined.slice(0, -1).trimEnd(), line: first };
      continue;
    }
    pending = undefined;
    if (joined) out.push({ where: where(first), command: joined });
  }
  return out;
}

/**
 * An inline `llmcost ...` span is an example when it gives arguments and no placeholder; a
 * synopsis such as `llmcost simulate SCENARIO`, `llmcost init [FILE]` or `llmcost simulate <file>`
 * and a bare mention such as `llmcost drift` are not.
 */
export function isRunnableSpan(span: string): boolean {
  const words = span.trim().split(/\s+/);
  if (words[0] !== 'llmcost' || words.length < 3) return false;
  return !/[[\]<>|…]|\.\.\.|\b[A-Z][A-Z0-9_]+\b/.test(span);
}

/** Every shell block command and runnable inline span of a Markdown file. */
export function markdownExamples(name: string, text: string): Example[] {
  const lines = text.split('\n');
  const out: Example[] = [];
  let block: { text: string; line: number }[] | undefined;
  let fenceIndent = '';
  let inOtherFence = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (block) {
      if (/^\s*```\s*$/.test(raw)) {
        out.push(...shellCommands(block, (l) => `${name}:${l}`));
        block = undefined;
      } else block.push({ text: raw.startsWith(fenceIndent) ? raw.slice(fenceIndent.length) : raw, line });
      return;
    }
    const fence = SHELL_FENCE.exec(raw);
    if (fence && !inOtherFence) {
      block = [];
      fenceIndent = fence[1]!;
      return;
    }
    if (/^\s*```/.test(raw)) {
      inOtherFence = !inOtherFence;
      return;
    }
    if (inOtherFence) return;
    for (const m of raw.matchAll(/`(llmcost [^`]+)`/g))
      if (isRunnableSpan(m[1]!)) out.push({ where: `${name}:${line}`, command: m[1]!.trim() });
  });
  return out;
}

/** The commands under "Examples:" (or "Example:") of a --help text, up to the next blank line. */
export function helpExamples(where: string, help: string): Example[] {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => /^Examples?:\s*$/.test(l));
  if (start < 0) return [];
  const body: { text: string; line: number }[] = [];
  for (let i = start + 1; i < lines.length && lines[i]!.trim() !== ''; i++) body.push({ text: lines[i]!, line: i + 1 });
  return shellCommands(body, () => where);
}

/** The subcommand names listed under "Commands:" of a --help text (without `help`). */
export function helpCommands(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => /^Commands:\s*$/.test(l));
  if (start < 0) return [];
  const names: string[] = [];
  for (let i = start + 1; i < lines.length && lines[i]!.trim() !== ''; i++) {
    const m = /^ {2}([a-z][\w-]*)/.exec(lines[i]!);
    if (m && m[1] !== 'help') names.push(m[1]!);
  }
  return names;
}
