// Fuzz the command line: random commands, flags and values (many of them wrong) must end in
// exit 0, 1 or 2 with a message, never in exit 3 (an internal error with a stack).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const K = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1) || 1);
const BAD = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'bad');
// a scratch copy: `init` and --out/--rejects write here, never into the repository
const cwd = mkdtempSync(join(tmpdir(), 'llmcost-fuzz-cli-'));
cpSync(join(BAD, '_shared'), cwd, { recursive: true });
cpSync(join(BAD, 'log-mixed-timestamps', 'log.csv'), join(cwd, 'log.csv'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const COMMANDS = [
  ['estimate'],
  ['pricing', 'list'],
  ['pricing', 'show'],
  ['pricing', 'validate'],
  ['pricing', 'diff'],
  ['simulate'],
  ['replay'],
  ['report'],
  ['drift'],
  ['schema'],
  ['init'],
  ['sweep'],
  ['bogus'],
];
const ARGS = [
  'every-strategy.yaml',
  'pricing.yaml',
  'pricing-two-models.yaml',
  'log.csv',
  'missing.yaml',
  '-',
  'claude-sonnet-4-5',
  'gpt4o',
  'scenario',
  'pricing',
  'new.yaml',
];
const FLAGS = [
  '--model',
  '--requests',
  '--system-tokens',
  '--input-tokens',
  '--output-tokens',
  '--cache',
  '--days',
  '--tier',
  '--pricing',
  '--as-of',
  '--format',
  '--out',
  '--seed',
  '--standalone',
  '--by',
  '--check',
  '--preset',
  '--map',
  '--strict',
  '--rejects',
  '--from',
  '--baseline',
  '--current',
  '--max-increase',
  '--set',
  '--stale-after',
  '--force',
  '--bogus',
  '--allow-path',
  '--timestamp-range',
  '--timestamp',
  '-f',
  '-m',
];
const VALUES = [
  '',
  ' ',
  '0',
  '1',
  '-1',
  '-5',
  '1.5',
  'NaN',
  '1e400',
  '10k',
  '1000,,10',
  'abc',
  '2025-02-30',
  '2026-11-15',
  '1999-01-01',
  'json',
  'md',
  'html',
  'csv',
  'table',
  'xml',
  '5m',
  '1h',
  '2h',
  'off',
  'batch',
  'flex',
  'economy',
  'tenant,day',
  'tenat',
  'mooncake',
  'litelm',
  'input_tokens=x',
  'pricing.yaml',
  'every-strategy.yaml',
  'log.csv',
  'out/report.txt',
  '2024-12-01',
  '2026-11-01',
  'strategies.prompt-cache.ttl=5m,1h',
  'seed',
  'm',
  'e',
  // names that are Object.prototype members (every place a user string becomes a key)
  '__proto__',
  'constructor',
  'toString,__defineGetter__',
  '__proto__=x',
  'tenant=__proto__',
  '__proto__.polluted=1,2',
  'traffic.profile.segments[0].tags.__proto__=a,b',
  'constructor.prototype.polluted=1,2',
  '2015-01-01..2100-01-01',
  '2030-01-01..2020-01-01',
  '..',
  '/',
];

describe('CLI under fuzz', () => {
  it('random commands, flags and values exit 0, 1 or 2, never 3', async () => {
    const codes = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...COMMANDS),
        fc.array(
          fc.oneof(
            fc.constantFrom(...ARGS),
            fc.tuple(fc.constantFrom(...FLAGS), fc.constantFrom(...VALUES)).map(([f, v]) => `${f}=${v}`),
            fc.constantFrom(...FLAGS),
          ),
          { maxLength: 5 },
        ),
        async (cmd, rest) => {
          // --flag=value keeps flag and value together even when the value starts with '-'
          const r = await runCli([...cmd, ...rest], {
            cwd,
            stdin: 'timestamp,model,input_tokens,output_tokens\n2026-11-02T10:00:00Z,m,10,5\n',
          });
          codes.add(r.code);
          expect([0, 1, 2], `llmcost ${[...cmd, ...rest].join(' ')}\n${r.stderr}`).toContain(r.code);
          expect(r.stderr).not.toMatch(/internal error/);
          if (r.code === 2) expect(r.stderr).toMatch(/error(\[[A-Z_]+\])?[ :]/);
          expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').toBeUndefined();
        },
      ),
      { numRuns: 150 * K },
    );
    expect(codes.has(0) && codes.has(2), `exit codes seen: ${[...codes].join(',')}`).toBe(true);
  });
});
