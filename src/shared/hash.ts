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
