// md5First32 (shared/hash.ts) is the sample's bucket hash, which a warehouse's md5() must reproduce:
// checked against node:crypto's MD5 on RFC 1321's vectors, every length around the block and padding
// boundaries, and random bytes and strings (non-ASCII, lone surrogates) at random offsets.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { md5First32, md5First32Of } from '../../src/shared/hash.js';
import { sampleBucket, sampleBucketAt } from '../../src/traffic/sample.js';

const first32 = (bytes: Uint8Array | string): number =>
  Number.parseInt(createHash('md5').update(bytes).digest('hex').slice(0, 8), 16);

describe('md5First32', () => {
  it("gives the first 4 bytes of RFC 1321's test digests", () => {
    const vectors: [string, number][] = [
      ['', 0xd41d8cd9],
      ['a', 0x0cc175b9],
      ['abc', 0x90015098],
      ['message digest', 0xf96b697d],
      ['abcdefghijklmnopqrstuvwxyz', 0xc3fcd3d7],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 0xd174ab98],
      ['1234567890'.repeat(8), 0x57edf4a2],
    ];
    for (const [text, want] of vectors) {
      expect(md5First32(Buffer.from(text), 0, text.length)).toBe(want);
      expect(md5First32Of(text)).toBe(want);
    }
  });

  it('agrees with node:crypto at every length from 0 to 200 bytes (one, two and more blocks)', () => {
    const bytes = Buffer.from(Array.from({ length: 260 }, (_, i) => (i * 151 + 7) & 255));
    for (let n = 0; n <= 200; n++)
      expect(md5First32(bytes, 30, 30 + n), `length ${n}`).toBe(first32(bytes.subarray(30, 30 + n)));
  });

  it('agrees with node:crypto on random bytes at random offsets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (a, x, y) => {
        const from = a.length ? x % a.length : 0;
        const to = from + (a.length - from ? y % (a.length - from + 1) : 0);
        expect(md5First32(a, from, to)).toBe(first32(a.subarray(from, to)));
      }),
      { numRuns: 500 },
    );
  });

  it("hashes a string's UTF-8 bytes, as Buffer.from writes them", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 80 })), (s) => {
        expect(md5First32Of(s)).toBe(first32(Buffer.from(s, 'utf8')));
      }),
      { numRuns: 500 },
    );
    for (const s of ['é', '😀', '\ud800', 'x\udc00y', '\u3000k1', `${'a'.repeat(1000)}é`])
      expect(md5First32Of(s), JSON.stringify(s)).toBe(first32(Buffer.from(s, 'utf8')));
  });

  it("is the sample's bucket rule (docs/scale.md): first 4 bytes big-endian, mod 10000", () => {
    for (const k of ['sys:code_v2:ws0985', 'c0', 'r123456', 'é', '']) {
      expect(sampleBucket(k)).toBe(first32(k) % 10_000);
      const b = Buffer.from(`,${k},`);
      expect(sampleBucketAt(b, 1, b.length - 1)).toBe(first32(k) % 10_000);
      expect(sampleBucket(Buffer.from(k))).toBe(first32(k) % 10_000);
    }
  });
});
