// A hostile model name, tenant and scenario name through every command and every format: nothing
// may reach the terminal as an escape sequence (OSC retitle, CSI clear), a Markdown table must
// keep its columns, a CSV cell must not run as a formula, HTML must stay text.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** A formula, a pipe, a backtick, OSC 0 (retitle, ended by BEL), CSI 2J (clear), a tag. */
const EVIL = '=HYPERLINK("http://x.example")|a`b\u001b]0;pwned\u0007\u001b[2J<script>';
const yamlQuoted = (s: string): string => JSON.stringify(s); // JSON escapes are valid YAML double-quoted escapes

let dir = '';

const table = (version: string, input: string): string => `version: "${version}"
effective: "${version}"
currency: USD
models:
  ${yamlQuoted(EVIL)}:
    provider: openai
    source: https://example.com/pricing
    checked: "${version}"
    input: "${input}"
    output: "2.00"
  m:
    provider: openai
    source: https://example.com/pricing
    checked: "${version}"
    input: "1.00"
    output: "2.00"
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmcost-hostile-'));
  writeFileSync(join(dir, '2026-01-01.yaml'), table('2026-01-01', '1.00'));
  writeFileSync(join(dir, '2026-02-01.yaml'), table('2026-02-01', '1.50'));
  writeFileSync(
    join(dir, 'evil.yaml'),
    `name: ${yamlQuoted(EVIL)}
seed: 1
pricing: { file: 2026-02-01.yaml }
traffic:
  profile:
    days: 1
    start: 2026-02-02
    requests_per_day: 50
    tenants:
      - { name: ${yamlQuoted(EVIL)}, share: 1 }
    segments:
      - { name: s, share: 1, model: ${yamlQuoted(EVIL)}, input_tokens: 100, output_tokens: 50 }
strategies:
  - use: cap-output
    max_output_tokens: 40
report:
  by: [tenant, model]
budgets:
  per_request_usd: "0.000001"
`,
  );
  writeFileSync(
    join(dir, 'log.csv'),
    `timestamp,model,input_tokens,output_tokens,tenant\n2026-02-02T10:00:00Z,${csvField(EVIL)},100,50,${csvField(EVIL)}\n2026-02-02T10:00:01Z,m,100,50,acme\n`,
  );
  writeFileSync(
    join(dir, 'litellm.json'),
    JSON.stringify({ [EVIL]: { mode: 'chat', input_cost_per_token: 2e-6, output_cost_per_token: 2e-6 } }),
  );
});

function csvField(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** Every command line that prints user-derived names, with the formats it offers. */
const CASES: { name: string; args: string[]; formats: string[] }[] = [
  {
    name: 'simulate',
    args: ['simulate', 'evil.yaml', '--standalone'],
    formats: ['table', 'json', 'md', 'csv', 'html'],
  },
  {
    name: 'replay',
    args: ['replay', 'log.csv', '--pricing', '2026-02-01.yaml', '--by', 'tenant'],
    formats: ['table', 'json', 'md', 'csv', 'html'],
  },
  {
    name: 'audit-cache',
    args: ['audit-cache', 'log.csv', '--pricing', '2026-02-01.yaml', '--family', 'tenant'],
    formats: ['table', 'md', 'csv', 'json'],
  },
  {
    name: 'sweep',
    args: ['sweep', 'evil.yaml', '--set', 'seed=1,2'],
    formats: ['table', 'json', 'md', 'csv', 'html'],
  },
  {
    name: 'drift',
    args: [
      'drift',
      '--baseline',
      '2026-01-01.yaml',
      '--current',
      '2026-02-01.yaml',
      'evil.yaml',
      '--max-increase',
      '1',
    ],
    formats: ['table', 'md', 'json'],
  },
  {
    name: 'diff',
    args: ['diff', 'evil.yaml', 'evil.yaml', '--max-increase', '1', '--by', 'model'],
    formats: ['table', 'md', 'json'],
  },
  {
    name: 'advise',
    args: ['advise', 'evil.yaml', '--family-by', 'tenant'],
    formats: ['table', 'md', 'json'],
  },
  {
    name: 'estimate',
    args: ['estimate', '--pricing', '2026-02-01.yaml', '--model', EVIL, '--cache', 'off'],
    formats: ['table', 'json', 'md', 'csv'],
  },
  {
    name: 'pricing list',
    args: ['pricing', 'list', '--pricing', '2026-02-01.yaml'],
    formats: ['table', 'json', 'md', 'csv'],
  },
  { name: 'pricing show', args: ['pricing', 'show', EVIL, '--pricing', '2026-02-01.yaml'], formats: ['table', 'json'] },
  {
    name: 'pricing diff',
    args: ['pricing', 'diff', '2026-01-01.yaml', '2026-02-01.yaml'],
    formats: ['table', 'md', 'json'],
  },
  {
    name: 'pricing check',
    args: ['pricing', 'check', '--against', 'litellm', 'litellm.json', '--pricing', '2026-02-01.yaml'],
    formats: ['table', 'md', 'json'],
  },
];

/** No raw ESC or BEL (or other C0 except tab/newline, or C1) anywhere in a text. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('a hostile name through every command and format', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.formats.join(', ')}`, async () => {
      for (const f of c.formats) {
        for (const isTTY of [false, true]) {
          const r = await runCli([...c.args, '--format', f], { cwd: dir, isTTY });
          expect(r.code, `${c.name} ${f}: ${r.stderr}`).toBeLessThan(2);
          // on a terminal nothing raw; in a pipe CSV and JSON keep the data (JSON escapes it), the rest is made inert
          if (isTTY || !['csv', 'json'].includes(f)) expect(r.stdout, `${c.name} ${f} stdout`).not.toMatch(RAW_CONTROL);
          // the progress line's own \r and erase-line are the only escapes on stderr
          expect(r.stderr.replace(/\r(\u001b\[K)?/g, ''), `${c.name} ${f} stderr`).not.toMatch(RAW_CONTROL);
          expect(r.stdout.length).toBeGreaterThan(0);
          if (f === 'md') {
            // a table row never holds the raw pipe of the name (it would add a column)
            for (const line of r.stdout.split('\n').filter((l) => l.startsWith('|')))
              expect(line, `${c.name} md row`).not.toContain('")|a');
            // a tag survives only inside a code span (shown literally; its fence outruns the name's backtick)
            for (const line of r.stdout.split('\n').filter((l) => l.includes('<script>')))
              expect(line, `${c.name} md`).toMatch(/``=HYPERLINK[^\n]*<script>``/);
          }
          if (f === 'csv') {
            const cells = (parse(r.stdout, { relax_column_count: true }) as string[][]).flat();
            expect(cells.filter((x) => /^[=+@]/.test(x) || /^-[^\d.]/.test(x))).toEqual([]);
            for (const x of cells.filter((y) => y.includes('HYPERLINK')))
              expect(x.startsWith("'=HYPERLINK")).toBe(true);
          }
          if (f === 'html') {
            expect(r.stdout).not.toContain('<script>');
            expect(r.stdout).toContain('&lt;script&gt;');
          }
          if (f === 'table' && !isTTY) expect(r.stdout).toContain('^[]0;pwned^G^[[2J');
        }
      }
    });
  }

  it('a hostile name in an error message is shown inertly on stderr', async () => {
    const r = await runCli(['estimate', '--pricing', '2026-02-01.yaml', '--model', `${EVIL}-nope`], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain('^[]0;pwned^G');
  });

  it('--rejects guards formulas from a hostile log row', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'timestamp,model,input_tokens,output_tokens\n=cmd|x,m,1,1\n');
    const r = await runCli(['replay', 'bad.csv', '--pricing', '2026-02-01.yaml', '--rejects', 'rej.csv'], {
      cwd: dir,
    });
    expect(r.code).toBe(2); // nothing could be priced
    const { readFileSync } = await import('node:fs');
    const rows = parse(readFileSync(join(dir, 'rej.csv'), 'utf8')) as string[][];
    expect(rows[1]![2]).toBe("'=cmd|x,m,1,1");
  });
});
