// How big and how deeply nested a JSON or YAML input may be, and the checks that hold every
// reader to it. Parsers and the code after them recurse (YAML's composer, zod, JSON.stringify,
// renderers): a 10 KB file nested 5,000 levels deep overflowed the stack or aborted Node. Each
// input is measured before it is parsed (JSON) or before it is used (YAML), so past a limit the
// user gets a located exit 2 instead. The limits are far above any real file.
import { type Diagnostic, location, userError } from '../diagnostics.js';

const MiB = 1024 * 1024;

export const LIMITS = {
  /**
   * Scenario and pricing YAML. The bundled tables are ~13 KB, scenarios ~1 KB; a table of every chat
   * model in LiteLLM's price map would be ~1 MB.
   */
  yamlBytes: 4 * MiB,
  /** A saved report (`report --from`): `--by conversation` over a 1M-conversation log writes ~150 MB. */
  reportBytes: 256 * MiB,
  /** LiteLLM's model_prices_and_context_window.json is ~1.5 MB (and 3 levels deep). */
  priceMapBytes: 64 * MiB,
  /** One line of a JSONL log: a request with its whole prompt and completion text. */
  jsonlLineBytes: 16 * MiB,
  /**
   * Nesting of any JSON or YAML value. Reports are ~6 levels deep, OpenTelemetry and Langfuse
   * records ~10, a tool schema inside a prompt ~20.
   */
  depth: 100,
} as const;

/** "4 MB": sizes in messages, binary megabytes with one decimal when needed. */
export function megabytes(bytes: number): string {
  const mb = bytes / MiB;
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/** A located INPUT_LIMIT error for a file larger than `maxBytes` (`bytes`: as far as it was read). */
export function tooLarge(file: string, what: string, bytes: number, maxBytes: number): Error {
  return userError(
    'INPUT_LIMIT',
    `${what} ${file} is larger than ${megabytes(maxBytes)} (${megabytes(bytes)} read), the most llmcost reads for one`,
    { where: file, hint: `a real ${what} is far smaller: check that this is the file you meant` },
  );
}

/**
 * Offset of the first bracket that opens a level deeper than `max` in JSON text, or -1. Strings
 * are skipped (a bracket inside one is text); anything else that is not JSON is left to the parser.
 */
export function jsonTooDeepAt(text: string, max: number = LIMITS.depth): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote (a backslash escapes the next character)
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** 1-based line and column of an offset. */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

const DEEP_MESSAGE = `nested more than ${LIMITS.depth} levels deep`;
const DEEP_HINT =
  'real files nest a few levels; this one is damaged or made to crash parsers: check where it came from';

/** The INPUT_LIMIT diagnostic for JSON/YAML nested deeper than LIMITS.depth, located. */
export function tooDeep(where: string): Diagnostic {
  return { code: 'INPUT_LIMIT', severity: 'error', message: DEEP_MESSAGE, where, hint: DEEP_HINT };
}

/** Offset of the first character where `text` stops being JSON (JSON.parse's messages vary by Node version and quote the input). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (w: string): void => {
    if (text.startsWith(w, i)) i += w.length;
    else fail();
  };
  const str = (): void => {
    if (text[i] !== '"') fail();
    i++;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail();
      if (c === 0x5c) {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    i++;
  };
  // recursive: callers check the depth first (jsonTooDeepAt)
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        str();
        ws();
        lit(':');
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += m![0].length;
    }
  };
  try {
    value();
    ws();
    return Math.min(i, text.length);
  } catch (at) {
    return typeof at === 'number' ? Math.min(at, text.length) : 0;
  }
}

/**
 * Why JSON text does not parse, without quoting it (V8's message repeats the start of the input,
 * which may be a secret when the file is not what it was said to be): the place and one character.
 */
export function jsonSyntaxProblem(text: string): { offset: number; message: string } {
  const at = jsonErrorOffset(text);
  const c = text.charCodeAt(at);
  const shown =
    c >= 0x21 && c <= 0x7e ? `'${text[at]}'` : `character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return {
    offset: at,
    message: `not valid JSON: ${at >= text.length ? 'unexpected end of file' : `unexpected ${shown}`}`,
  };
}

/**
 * JSON text -> value, held to LIMITS.depth; a syntax error or too deep a value throws a UserError
 * at file:line:column (`code` names the reader's own diagnostic) that quotes no more than one character.
 */
export function parseJsonInput(text: string, file: string, code: Diagnostic['code'], hint: string): unknown {
  const deep = jsonTooDeepAt(text);
  if (deep >= 0) {
    const p = lineColAt(text, deep);
    throw userError('INPUT_LIMIT', DEEP_MESSAGE, { where: location(file, p.line, p.col), hint: DEEP_HINT });
  }
  try {
    return JSON.parse(text);
  } catch {
    const { offset, message } = jsonSyntaxProblem(text);
    const p = lineColAt(text, offset);
    throw userError(code, message, { where: location(file, p.line, p.col), hint });
  }
}
