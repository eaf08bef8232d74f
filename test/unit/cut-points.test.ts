// Where a big CSV is cut into ranges (cutPoints): each cut at the first record end (a newline after
// an even number of quotes) at or after its target, with the line number there. The file is read
// in 4 MB blocks, a block without a quote searched natively: checked against a byte-by-byte
// reference on a file with quote-free stretches longer than a block, quoted fields holding
// newlines and quotes, and one such field across a block boundary.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cutPoints } from '../../src/traffic/table/read.js';

const dir = mkdtempSync(join(tmpdir(), 'cut-points-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** the reference: every byte in order */
function reference(bytes: Uint8Array, parts: number): { headEnd: number; starts: { at: number; line: number }[] } {
  const size = bytes.length;
  const targets = Array.from({ length: parts - 1 }, (_, k) => Math.floor(((k + 1) * size) / parts));
  let quotes = 0;
  let lines = 1;
  let headEnd = -1;
  let t = 0;
  const starts: { at: number; line: number }[] = [];
  for (let i = 0; i < size; i++) {
    if (bytes[i] === 0x22) quotes++;
    else if (bytes[i] === 0x0a) {
      lines++;
      if (quotes % 2) continue;
      if (headEnd < 0) headEnd = i + 1;
      else if (t < targets.length && i + 1 >= targets[t]!) {
        starts.push({ at: i + 1, line: lines });
        while (t < targets.length && i + 1 >= targets[t]!) t++;
      }
    }
  }
  return { headEnd, starts: starts.filter((s) => s.at < size) };
}

/** a seeded CSV: quote-free stretches, then stretches with quoted fields holding newlines and quotes */
function csv(seed: number): string {
  let x = seed;
  const rnd = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
  const out = ['timestamp,request_id,model,input_tokens,output_tokens,feature'];
  let bytes = 0;
  let i = 0;
  while (bytes < 11 * 2 ** 20) {
    // quotes only in some stretches: the first 5 MB has none (more than a whole block)
    const quoted = bytes > 5 * 2 ** 20 && Math.floor(bytes / 2 ** 20) % 2 === 0 && rnd() < 0.2;
    const feature = quoted ? `"f${i}\n""x"",\r\n${'y'.repeat(Math.floor(rnd() * 40))}"` : `f${i % 7}`;
    const line = `2026-10-01T00:00:00Z,r${i},gpt-4o,${Math.floor(rnd() * 9000)},${i % 500},${feature}`;
    out.push(line);
    bytes += line.length + 1;
    i++;
  }
  return `${out.join('\n')}\n`;
}

describe('cutPoints', () => {
  it('cuts where a byte-by-byte reading does, for 2 to 7 ranges', () => {
    const file = join(dir, 'big.csv');
    const base = csv(7);
    // a record whose quoted field holds 300 newlines, put across the first block boundary (4 MB)
    // and across the cut targets of 2 and 3 ranges: the first newline there is not a record end
    const span = `2026-10-01T00:00:00Z,span,gpt-4o,1,1,"a\n${'b\n'.repeat(300)}c"\n`;
    const size = base.length + 4 * span.length;
    const across = [2 ** 22, Math.floor(size / 3), Math.floor(size / 2), Math.floor((2 * size) / 3)].sort(
      (a, b) => a - b,
    );
    let text = '';
    let from = 0;
    across.forEach((at, j) => {
      // (at is a position in the final file; j records are in before it)
      const start = base.indexOf('\n', at - j * span.length - 300) + 1;
      text += base.slice(from, start) + span;
      from = start;
    });
    text += base.slice(from);
    expect(text.length).toBe(size);
    writeFileSync(file, text);
    const bytes = new Uint8Array(Buffer.from(text));
    for (const at of across) expect(text.slice(0, at).split('"').length % 2).toBe(0); // inside quotes
    for (let parts = 2; parts <= 7; parts++) {
      const got = cutPoints(file, parts);
      expect(got).toEqual(reference(bytes, parts));
      expect(got.starts.length).toBe(parts - 1);
    }
  });
});
