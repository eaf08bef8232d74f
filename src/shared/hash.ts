// The string hashes the tool uses, one implementation each. Non-cryptographic: they key maps and
// seed streams, never anything a user could forge to harm (content from logs is hashed only to
// recognise repeats).

/** FNV-1a, 32 bits, of the string's UTF-16 code units; unsigned. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** FNV-1a, 32 bits, of UTF-16 code units[from, to); unsigned. Equal to fnv1a32 of the string they spell. */
export function fnv1a32Units(units: Uint16Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ units[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * A second 32-bit hash of the string's UTF-16 code units, independent of FNV-1a (multiply-xorshift
 * rounds with their own seed, then MurmurHash3's finalizer); signed. Paired with fnv1a32 it keys ids
 * by 64 bits (read.ts DuplicateIds).
 */
export function mix32(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  return fmix32(h ^ s.length);
}

/** mix32 of UTF-16 code units[from, to): equal to mix32 of the string they spell. */
export function mix32Units(units: Uint16Array, from: number, to: number): number {
  let h = 0x9747b28c;
  for (let i = from; i < to; i++) {
    h = Math.imul(h ^ units[i]!, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return fmix32(h ^ (to - from));
}

/** MurmurHash3's 32-bit finalizer (avalanche); signed */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** FNV-1a, 32 bits, of bytes[from, to); unsigned. Equal to fnv1a32 of an ASCII string's bytes. */
export function fnv1a32Bytes(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** A string's place in [0, 1): FNV-1a through murmur3's finaliser (FNV alone barely moves the high bits of short keys). */
export function unitHash(s: string): number {
  let h = fnv1a32(s);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** cyrb53's two mixed 32-bit halves. */
function cyrb(s: string, seed: number): [number, number] {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1, h2];
}

/** A 53-bit hash (cyrb53) as base-36 text: short keys, e.g. cumulative prefix-block keys. */
export function hash53(s: string, seed = 0): string {
  const [h1, h2] = cyrb(s, seed);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** A 64-bit hash (both cyrb53 halves) as 16 hex digits: content keys; collisions negligible at log scale. */
export function hash64(s: string): string {
  const [h1, h2] = cyrb(s, 0);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

// MD5 (RFC 1321), only as far as the sample needs it: the first 32 bits of the digest. MD5 because
// a warehouse computes the same bucket with its md5() (traffic/sample.ts, docs/scale.md), not for
// security. Written out rather than taken from node:crypto or a package: a sample hashes every
// distinct unit key of a log (a million request ids at 1M rows), and this reads the key's bytes in
// place, where crypto.hash (or js-md5) needs a Buffer view per key and returns a digest or hex text:
// ~0.26 us a key here against ~1 us (the view, hash and hex parse of the old sampleBucket).
const MD5_K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
const MD5_S = Int32Array.from(
  { length: 64 },
  (_, i) => [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21][(i >> 4) * 4 + (i & 3)]!,
);
/** the message word each of the 64 steps reads */
const MD5_G = Int32Array.from({ length: 64 }, (_, i) =>
  i < 16 ? i : i < 32 ? (5 * i + 1) & 15 : i < 48 ? (3 * i + 5) & 15 : (7 * i) & 15,
);
const md5Words = new Int32Array(16);
const md5State = new Int32Array(4);

/** one 64-byte block (md5Words) into md5State */
function md5Block(): void {
  const m = md5Words;
  let a = md5State[0]!;
  let b = md5State[1]!;
  let c = md5State[2]!;
  let d = md5State[3]!;
  for (let i = 0; i < 64; i++) {
    const f = i < 16 ? (b & c) | (~b & d) : i < 32 ? (d & b) | (~d & c) : i < 48 ? b ^ c ^ d : c ^ (b | ~d);
    const x = (((a + f) | 0) + ((MD5_K[i]! + m[MD5_G[i]!]!) | 0)) | 0;
    const s = MD5_S[i]!;
    a = d;
    d = c;
    c = b;
    b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
  }
  md5State[0] = (md5State[0]! + a) | 0;
  md5State[1] = (md5State[1]! + b) | 0;
  md5State[2] = (md5State[2]! + c) | 0;
  md5State[3] = (md5State[3]! + d) | 0;
}

/** The first 4 bytes of the MD5 digest of bytes[from, to), read big-endian; unsigned. */
export function md5First32(bytes: Uint8Array, from: number, to: number): number {
  const m = md5Words;
  md5State[0] = 0x67452301;
  md5State[1] = 0xefcdab89 | 0;
  md5State[2] = 0x98badcfe | 0;
  md5State[3] = 0x10325476;
  let i = from;
  for (; i + 64 <= to; i += 64) {
    for (let w = 0; w < 16; w++) {
      const p = i + 4 * w;
      m[w] = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24);
    }
    md5Block();
  }
  // the last bytes, the 0x80 marker and the message's length in bits (little-endian, 64 bits)
  m.fill(0);
  const rest = to - i;
  for (let k = 0; k < rest; k++) m[k >> 2] = m[k >> 2]! | (bytes[i + k]! << ((k & 3) * 8));
  m[rest >> 2] = m[rest >> 2]! | (0x80 << ((rest & 3) * 8));
  if (rest >= 56) {
    md5Block();
    m.fill(0);
  }
  const n = to - from;
  m[14] = n << 3;
  m[15] = Math.floor(n / 0x20000000);
  md5Block();
  const h = md5State[0]!;
  return (((h & 0xff) << 24) | (((h >>> 8) & 0xff) << 16) | (((h >>> 16) & 0xff) << 8) | (h >>> 24)) >>> 0;
}

let utf8Scratch = new Uint8Array(256);
const utf8 = new TextEncoder();

/** md5First32 of the string's UTF-8 bytes */
export function md5First32Of(s: string): number {
  if (utf8Scratch.length < 3 * s.length) utf8Scratch = new Uint8Array(3 * s.length);
  const buf = utf8Scratch;
  let n = 0;
  for (; n < s.length; n++) {
    const c = s.charCodeAt(n);
    if (c >= 0x80) return md5First32(buf, 0, utf8.encodeInto(s, buf).written);
    buf[n] = c;
  }
  return md5First32(buf, 0, n);
}
