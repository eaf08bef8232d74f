// The offline guarantee, checked on the source: nothing under src/ may import a network module,
// call fetch/XMLHttpRequest/WebSocket, or read a wall clock, Math.random, the local time zone or
// the default locale (reports must be reproducible from their inputs on any machine). Exceptions are listed in ALLOW, each with its reason.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');

/** Module specifiers that reach the network (or could, by spawning a process that does). */
const NETWORK_MODULES = [
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'dns',
  'dns/promises',
  'child_process',
  'cluster',
  'inspector',
  'undici',
  'axios',
  'node-fetch',
  'cross-fetch',
  'got',
  'ky',
  'superagent',
  'request',
  'ws',
  'socket.io-client',
  'isomorphic-fetch',
  'whatwg-fetch',
];

/** Calls and globals that reach the network or read a clock / an unseeded random source. */
const BANNED_CODE: { name: string; re: RegExp }[] = [
  { name: 'fetch()', re: /(?<![\w$.])fetch\s*\(|globalThis\.fetch|\.fetch\s*\(/ },
  { name: 'XMLHttpRequest', re: /\bXMLHttpRequest\b/ },
  { name: 'WebSocket', re: /\bWebSocket\b/ },
  { name: 'EventSource', re: /\bEventSource\b/ },
  { name: 'navigator.sendBeacon', re: /\bsendBeacon\b/ },
  { name: 'Math.random', re: /\bMath\s*\.\s*random\b/ },
  { name: 'Date.now', re: /\bDate\s*\.\s*now\b/ },
  { name: 'new Date() without arguments (the wall clock)', re: /\bnew\s+Date\s*\(\s*\)/ },
  { name: 'Date() called as a function (the wall clock)', re: /(?<![\w$.]|new\s)Date\s*\(\s*\)/ },
  { name: 'performance.now', re: /\bperformance\s*\.\s*now\b/ },
  { name: 'process.hrtime', re: /\bprocess\s*\.\s*hrtime\b/ },
  { name: 'crypto random', re: /\b(randomUUID|randomBytes|getRandomValues|randomInt)\b/ },
  // The machine's time zone and locale must not change a report: UTC getters and explicit locales only.
  {
    name: 'local-time Date getter/setter',
    re: /\.(getHours|getDate|getDay|getMonth|getFullYear|getYear|getMinutes|getSeconds|getTimezoneOffset|setHours|setDate|setMonth|setFullYear|setMinutes|setSeconds)\s*\(/,
  },
  {
    name: 'local-time Date formatting',
    re: /\.(toLocaleDateString|toLocaleTimeString|toDateString|toTimeString)\s*\(/,
  },
  { name: 'toLocaleString() without an explicit locale', re: /\.toLocaleString\s*\(\s*(\)|undefined)/ },
  { name: 'new Date(y, m, ...) in local time (use Date.UTC)', re: /\bnew\s+Date\s*\([^()]*,[^()]*\)/ },
];

/**
 * Documented exceptions: file (relative to src/) -> banned names it may use, and why.
 * Keep this list short and explicit; a new entry needs a reason a reviewer can check.
 */
const ALLOW: Record<string, { names: string[]; why: string }> = {
  'cli/progress.ts': {
    names: ['performance.now'],
    why: 'rows/s and ETA on an interactive stderr progress bar; never in a report',
  },
  'shared/phases.ts': {
    names: ['performance.now'],
    why: 'LLMCOST_PHASES: when each phase of a run ended, on stderr for whoever measures; never in a report',
  },
};

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : /\.(ts|mts|cts|js|mjs)$/.test(d.name) ? [join(dir, d.name)] : [],
  );
}

/**
 * Split source into code (comments removed, string contents blanked) and the list of string
 * literals, with a small lexer: strings, template literals, comments and regex literals.
 * Enough for our own sources; it is a guard, not a parser.
 */
export function lex(src: string): { code: string; strings: string[] } {
  let code = '';
  const strings: string[] = [];
  let lastSignificant = '';
  const regexCanStart = (): boolean =>
    lastSignificant === '' ||
    /[(,=:[!&|?{};+\-*%<>~^]$/.test(lastSignificant) ||
    /\b(return|typeof|case|in|of|void|delete|throw)$/.test(code.trimEnd());
  /** A template literal from the opening backtick; `${...}` parts are code. Returns the index after it. */
  const template = (start: number): number => {
    let j = start + 1;
    let s = '';
    code += '`';
    while (j < src.length && src[j] !== '`') {
      if (src[j] === '\\') {
        s += src[j + 1] ?? '';
        j += 2;
      } else if (src[j] === '$' && src[j + 1] === '{') {
        code += '${';
        j = codeUntil(j + 2, true);
        code += '}';
      } else s += src[j++];
    }
    strings.push(s);
    code += '`';
    lastSignificant = '`';
    return j + 1;
  };
  /** Code from i; with `inBraces`, stops after the `}` that closes an enclosing `${`. */
  const codeUntil = (start: number, inBraces: boolean): number => {
    let i = start;
    let depth = 0;
    while (i < src.length) {
      const ch = src[i]!;
      const next = src[i + 1];
      if (ch === '/' && next === '/') {
        while (i < src.length && src[i] !== '\n') i++;
        continue;
      }
      if (ch === '/' && next === '*') {
        const end = src.indexOf('*/', i + 2);
        i = end < 0 ? src.length : end + 2;
        code += ' ';
        continue;
      }
      if (ch === '`') {
        i = template(i);
        continue;
      }
      if (ch === '"' || ch === "'") {
        let j = i + 1;
        let s = '';
        while (j < src.length && src[j] !== ch && src[j] !== '\n') {
          if (src[j] === '\\') {
            s += src[j + 1] ?? '';
            j += 2;
            continue;
          }
          s += src[j++];
        }
        strings.push(s);
        code += `${ch}${ch}`;
        lastSignificant = ch;
        i = j + 1;
        continue;
      }
      if (ch === '/' && regexCanStart()) {
        let j = i + 1;
        let inClass = false;
        while (j < src.length && src[j] !== '\n') {
          if (src[j] === '\\') {
            j += 2;
            continue;
          }
          if (src[j] === '[') inClass = true;
          else if (src[j] === ']') inClass = false;
          else if (src[j] === '/' && !inClass) break;
          j++;
        }
        code += '/re/';
        lastSignificant = '/';
        i = j + 1;
        continue;
      }
      if (inBraces && ch === '{') depth++;
      if (inBraces && ch === '}') {
        if (depth === 0) return i + 1;
        depth--;
      }
      code += ch;
      if (!/\s/.test(ch)) lastSignificant = ch;
      i++;
    }
    return i;
  };
  codeUntil(0, false);
  return { code, strings };
}

/** Module specifiers imported or required by a file (static, dynamic, require, export from). */
function importsOf(src: string): string[] {
  const out: string[] = [];
  const re =
    /\b(?:import|export)\s[^'"]*?\bfrom\s*(['"])([^'"]+)\1|\bimport\s*(['"])([^'"]+)\3|\bimport\s*\(\s*(['"`])([^'"`]+)\5|\brequire\s*\(\s*(['"`])([^'"`]+)\7/g;
  for (const m of src.matchAll(re)) out.push(m[2] ?? m[4] ?? m[6] ?? m[8]!);
  return out;
}

const isNetwork = (spec: string): boolean => {
  const bare = spec.replace(/^node:/, '');
  return NETWORK_MODULES.some((m) => bare === m || bare.startsWith(`${m}/`));
};

const files = walk(SRC);

describe('offline guarantee (src/)', () => {
  it('scans the sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('the lexer keeps the code of every file (a lexing slip must not hide code from the scan)', () => {
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      // every line that starts with `export`/`import` is code: the lexed text must keep them all
      const expected = (src.match(/^(export|import) /gm) ?? []).length;
      const kept = (lex(src).code.match(/^(export|import) /gm) ?? []).length;
      expect(kept, relative(ROOT, f)).toBe(expected);
    }
  });

  it('no file imports a network module', () => {
    const found: string[] = [];
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      // strip comments only (module specifiers are strings, keep them)
      const noComments = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
      for (const spec of importsOf(noComments)) if (isNetwork(spec)) found.push(`${relative(ROOT, f)}: ${spec}`);
    }
    expect(found).toEqual([]);
  });

  it('no file fetches, opens a socket, reads the wall clock or Math.random (outside ALLOW)', () => {
    const found: string[] = [];
    for (const f of files) {
      const rel = relative(SRC, f).split('\\').join('/');
      const { code } = lex(readFileSync(f, 'utf8'));
      for (const b of BANNED_CODE) {
        if (b.re.test(code) && !(ALLOW[rel]?.names.includes(b.name) ?? false)) found.push(`src/${rel}: ${b.name}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('ALLOW names real files and real banned names (no stale exceptions)', () => {
    for (const [rel, a] of Object.entries(ALLOW)) {
      expect(files.map((f) => relative(SRC, f).split('\\').join('/'))).toContain(rel);
      for (const n of a.names) expect(BANNED_CODE.map((b) => b.name)).toContain(n);
      expect(a.why.length).toBeGreaterThan(10);
    }
  });

  it('package.json depends on no HTTP client', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies ?? {}).filter(isNetwork)).toEqual([]);
  });
});

describe('the scanner itself catches what it should (so a green run means something)', () => {
  const scan = (src: string): string[] => {
    const { code } = lex(src);
    return [...BANNED_CODE.filter((b) => b.re.test(code)).map((b) => b.name), ...importsOf(src).filter(isNetwork)];
  };
  it('flags imports, fetch, clocks and random in code', () => {
    expect(scan("import https from 'node:https';")).toEqual(['https'.replace('https', 'node:https')]);
    expect(scan("import { request } from 'undici';")).toEqual(['undici']);
    expect(scan("const m = await import('node:net');")).toEqual(['node:net']);
    expect(scan("export * from 'axios';")).toEqual(['axios']);
    expect(scan('const r = await fetch(url);')).toEqual(['fetch()']);
    expect(scan('const r = await globalThis.fetch(url);')).toEqual(['fetch()']);
    expect(scan('const t = Date.now();')).toEqual(['Date.now']);
    expect(scan('const t = new Date();')).toEqual(['new Date() without arguments (the wall clock)']);
    expect(scan('const x = Math.random() * 2;')).toEqual(['Math.random']);
    expect(scan('const ws = new WebSocket(u);')).toEqual(['WebSocket']);
    expect(scan('const h = new Date(ms).getHours();')).toEqual(['local-time Date getter/setter']);
    expect(scan('const s = n.toLocaleString();')).toEqual(['toLocaleString() without an explicit locale']);
    expect(scan('const d = new Date(2026, 0, 1);')).toEqual(['new Date(y, m, ...) in local time (use Date.UTC)']);
  });
  it('ignores comments, strings, regex literals and dated Date constructors', () => {
    expect(scan('// Math.random is banned; so is fetch(x)\nconst a = 1;')).toEqual([]);
    expect(scan('/* Date.now() */ const b = "fetch(x) and Date.now()";')).toEqual([]);
    expect(scan('const re = /["\',]/; const d = new Date(r.atMs).toISOString();')).toEqual([]);
    expect(scan('const url = "https://example.com"; // https')).toEqual([]);
    expect(scan('const day = new Date(`${s}T00:00:00Z`);')).toEqual([]);
    // code inside template expressions is still code, nested templates included
    expect(scan('const a = `x ${b.map((c) => `${c}`).join(`,`)} y`; const t = Date.now();')).toEqual(['Date.now']);
    expect(scan('const a = `at ${Date.now()}`;')).toEqual(['Date.now']);
    expect(
      scan(
        "const h = new Date(ms).getUTCHours(); const s = n.toLocaleString('en-US'); const d = new Date(Date.UTC(2026, 0, 1));",
      ),
    ).toEqual([]);
  });
});

describe('offline output: the HTML report fetches nothing when opened', () => {
  it('no external script, stylesheet, image, font, iframe or import; links are plain anchors at most', async () => {
    const r = await runCli([
      'simulate',
      join(ROOT, 'test', 'fixtures', 'bad', '_shared', 'every-strategy.yaml'),
      '--standalone',
      '--format',
      'html',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const html = r.stdout;
    expect(html).toMatch(/<svg/);
    // anything a browser would load by itself
    const fetching = [
      ...html.matchAll(
        /<(script|img|iframe|embed|object|source|audio|video|link)\b[^>]*\b(src|href|data)\s*=\s*["']?(?!data:|#)[^"'\s>]+/gi,
      ),
      ...html.matchAll(/url\(\s*["']?(?!data:|#)[^)"']+/gi),
      ...html.matchAll(/@import/gi),
      ...html.matchAll(/\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon)\b/g),
    ].map((m) => m[0]);
    expect(fetching).toEqual([]);
  });
});
