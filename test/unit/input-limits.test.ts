import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jsonErrorOffset,
  jsonSyntaxProblem,
  jsonTooDeepAt,
  LIMITS,
  lineColAt,
  parseJsonInput,
} from '../../src/config/input-limits.js';
import { parseYaml } from '../../src/config/yaml.js';
import { readText } from '../../src/pricing/tables.js';
import { LineSplitter, type SplitLine } from '../../src/traffic/logs/json.js';
import { z } from 'zod';
import '../helpers/fast-check-seed.js';
import { userErrorThrownBy } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'llmcost-limits-'));

describe('JSON nesting', () => {
  it('finds the bracket that opens level max+1, ignoring brackets inside strings', () => {
    expect(jsonTooDeepAt('[[[]]]', 3)).toBe(-1);
    expect(jsonTooDeepAt('[[[[]]]]', 3)).toBe(3);
    expect(jsonTooDeepAt('{"a":{"b":[1]}}', 3)).toBe(-1);
    expect(jsonTooDeepAt('{"a":{"b":{"c":[1]}}}', 3)).toBe(15);
    // brackets in strings (with escaped quotes) are text
    expect(jsonTooDeepAt('["[[[[\\"[[[[", 1]', 1)).toBe(-1);
    expect(jsonTooDeepAt(`${'['.repeat(LIMITS.depth)}${']'.repeat(LIMITS.depth)}`)).toBe(-1);
    expect(jsonTooDeepAt(`${'['.repeat(LIMITS.depth + 1)}${']'.repeat(LIMITS.depth + 1)}`)).toBe(LIMITS.depth);
  });

  it('agrees with the depth of any value JSON.stringify writes', () => {
    const depthOf = (v: unknown): number =>
      v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (v, max) => {
        const text = JSON.stringify(v);
        expect(jsonTooDeepAt(text, max) >= 0).toBe(depthOf(v) > max);
      }),
    );
  });

  it('a syntax error names its place and at most one character of the text', () => {
    const text = 'AWS_SECRET_ACCESS_KEY=abc123SECRET';
    expect(jsonSyntaxProblem(text)).toEqual({ offset: 0, message: "not valid JSON: unexpected 'A'" });
    expect(jsonSyntaxProblem('{"a": 1,\n "b": }')).toEqual({ offset: 15, message: "not valid JSON: unexpected '}'" });
    expect(jsonSyntaxProblem('{"a": ')).toEqual({ offset: 6, message: 'not valid JSON: unexpected end of file' });
    expect(jsonErrorOffset('[1, 2]')).toBe(6);
    expect(lineColAt('ab\ncd\nef', 7)).toEqual({ line: 3, col: 2 });
    const e = userErrorThrownBy(() => parseJsonInput(text, 'f.json', 'REPORT_INPUT', 'h'));
    expect(e.message).not.toContain('SECRET');
    expect(e.diagnostics[0]!.where).toBe('f.json:1:1');
  });

  it('parseJsonInput refuses a deep value before parsing it, at its line and column', () => {
    const deep = `{\n "x": ${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const e = userErrorThrownBy(() => parseJsonInput(deep, 'r.json', 'REPORT_INPUT', 'h'));
    expect(e.diagnostics[0]).toMatchObject({ code: 'INPUT_LIMIT', where: 'r.json:2:106' });
  });
});

describe('YAML nesting and keys', () => {
  const anything = z.unknown();
  it('flow, block and compact-sequence nesting past the limit are located INPUT_LIMIT errors', () => {
    const block = Array.from({ length: 120 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    for (const [text, where] of [
      [`a: ${'['.repeat(5000)}${']'.repeat(5000)}`, 'f.yaml:1:103'],
      [block, 'f.yaml:101:101'],
      [`${'- '.repeat(3000)}x`, 'f.yaml:1:201'],
    ] as const) {
      const r = parseYaml(text, 'f.yaml', anything);
      expect(r.errors).toEqual([expect.objectContaining({ code: 'INPUT_LIMIT', where })]);
    }
    expect(parseYaml(`a: ${'['.repeat(99)}${']'.repeat(99)}`, 'f.yaml', anything).errors).toEqual([]);
  });

  it('a __proto__ key is refused where it is; other Object member names are plain keys', () => {
    const r = parseYaml('a:\n  constructor: 1\n  toString: 2\n  __proto__: 3\n', 'f.yaml', anything);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'SCHEMA', where: 'f.yaml:4:3' })]);
    const ok = parseYaml('a:\n  constructor: 1\n  toString: 2\n', 'f.yaml', anything);
    expect(ok.value).toEqual({ a: { constructor: 1, toString: 2 } });
  });
});

describe('file size', () => {
  it('a file over the limit is refused before it is read', () => {
    const f = join(dir, 'big.yaml');
    writeFileSync(f, 'x'.repeat(2048));
    expect(readText(f, 'scenario', 4096)).toHaveLength(2048);
    const e = userErrorThrownBy(() => readText(f, 'scenario', 1024));
    expect(e.diagnostics[0]).toMatchObject({ code: 'INPUT_LIMIT', where: f });
    expect(e.message).toContain('larger than');
  });

  it.skipIf(!existsSync('/dev/zero'))('a device with no end is read up to the limit, then refused', () => {
    const e = userErrorThrownBy(() => readText('/dev/zero', 'saved report', 1024 * 1024));
    expect(e.diagnostics[0]!.code).toBe('INPUT_LIMIT');
  });
});

/** The lines of the chunks as the JSONL reader takes them from its LineSplitter. */
function splitLines(chunks: Buffer[], maxBytes: number): SplitLine[] {
  const splitter = new LineSplitter(maxBytes);
  const out: SplitLine[] = [];
  for (const chunk of chunks) {
    splitter.push(chunk);
    for (let l = splitter.next(); l; l = splitter.next()) out.push(l);
  }
  const last = splitter.end();
  if (last) out.push(last);
  return out;
}

describe('JSONL lines', () => {
  const lines = async (chunks: string[], max: number): Promise<unknown[]> => {
    return splitLines(
      chunks.map((c) => Buffer.from(c)),
      max,
    );
  };
  it('splits at \\n across chunks, drops a \\r before it, keeps a last line without \\n', async () => {
    expect(await lines(['a\r\nb', 'c\n', '\nd'], 100)).toEqual([
      { text: 'a' },
      { text: 'bc' },
      { text: '' },
      { text: 'd' },
    ]);
    // a multi-byte character split across chunks decodes whole
    const euro = Buffer.from('€');
    expect(splitLines([euro.subarray(0, 1), euro.subarray(1), Buffer.from('\n')], 10)).toEqual([{ text: '€' }]);
  });
  it('a line over the limit is counted, not held', async () => {
    expect(await lines(['ok\n', 'x'.repeat(30), 'y'.repeat(30), '\nok\n'], 50)).toEqual([
      { text: 'ok' },
      { tooLong: 60 },
      { text: 'ok' },
    ]);
    expect(await lines(['z'.repeat(60)], 50)).toEqual([{ tooLong: 60 }]);
  });
});
