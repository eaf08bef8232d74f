// The parts of a split run (engine/partition.ts says when a run can be split): the table's rows
// grouped under every stage's state key (union-find: rows that could meet in some strategy's
// state are one group), the groups spread over the parts largest first, each to the least loaded.
// Which part a group lands in never changes a figure (the parts add up exactly); it only balances.
import type { Relation } from '../../engine/partition.js';
import { closeSync, openSync } from 'node:fs';
import { fnv1a32Bytes } from '../../shared/hash.js';
import { ChunkView } from './chunk.js';
import { chunksOf, type TableData } from './table.js';

/** Union-find over row numbers, path-halving, union by size. */
class Groups {
  readonly parent: Int32Array;
  readonly size: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]!]!;
      i = p[i]!;
    }
    return i;
  }
  union(a: number, b: number): void {
    let x = this.find(a);
    let y = this.find(b);
    if (x === y) return;
    if (this.size[x]! < this.size[y]! || (this.size[x] === this.size[y] && y < x)) [x, y] = [y, x];
    this.parent[y] = x;
    this.size[x]! += this.size[y]!;
  }
}

export interface Partition {
  /** part of every table row (shared with the workers) */
  part: Int32Array;
  parts: number;
  /** requests per part */
  sizes: number[];
  /** connected groups of requests */
  groups: number;
  /** share of the requests in the largest group, 0..1 */
  largest: number;
}

/**
 * Group the table's rows under the relations and spread the groups over `parts` parts (each row's
 * part written in `into` when given: an array of the table's rows, shared with the workers), part
 * 0 counted as `head` requests fuller to begin with.
 */
export function partitionTable(
  data: TableData,
  relations: readonly Relation[],
  parts: number,
  into?: Int32Array,
  /** requests' worth of other work part 0 has (its thread's): it gets fewer requests */
  head = 0,
): Partition {
  const n = data.rows;
  const g = new Groups(n);
  const first = new Map<string, number>(); // prefix root / key -> first row
  const wantPrefix = relations.some((r) => r.on === 'prefix');
  const keys = relations.flatMap((r) => (r.on === 'key' ? [r.key] : []));
  // keys that say nothing of a request with prefix blocks: such a row is not materialised for them
  const onlyPrefixless = relations.every((r) => r.on !== 'key' || r.prefixless === true);
  const retry = relations.some((r) => r.on === 'retry');
  // retry links: ids named by some retry_of, and the rows that name them
  const named = new Map<string, number>();
  const fd = data.spillPath ? openSync(data.spillPath, 'r') : undefined;
  try {
    let base = 0;
    for (const c of chunksOf(data, fd)) {
      const pool = c.pool;
      const str = (k: number): string =>
        Buffer.from(pool.bytes.buffer, pool.bytes.byteOffset, pool.bytes.byteLength).toString(
          pool.ascii ? 'latin1' : 'utf8',
          pool.offsets[k]!,
          pool.offsets[k + 1]!,
        );
      // a chunk's strings are interned: each distinct root key is looked up once per chunk
      const rootAnchor = new Map<number, number>();
      const view = keys.length ? new ChunkView(c) : undefined;
      for (let i = 0; i < c.rows; i++) {
        const row = base + i;
        if (wantPrefix && c.prefixStart[i + 1]! > c.prefixStart[i]!) {
          const root = c.blockKey[c.prefixStart[i]!]!;
          const anchor = rootAnchor.get(root);
          if (anchor !== undefined) g.union(anchor, row);
          else {
            rootAnchor.set(root, row);
            join(`p\u0001${str(root)}`, row);
          }
        }
        if (retry && c.retryOf[i]) {
          const id = str(c.retryOf[i]!);
          const at = named.get(id);
          if (at === undefined) named.set(id, row);
          else g.union(at, row);
        }
        if (view && !(onlyPrefixless && c.prefixStart[i + 1]! > c.prefixStart[i]!)) {
          const r = view.request(i);
          for (let k = 0; k < keys.length; k++) {
            const key = keys[k]!(r);
            if (key !== undefined) join(`${k}\u0001${key}`, row);
          }
        }
      }
      base += c.rows;
    }
    if (retry && named.size) {
      // the rows whose id some retry names: hashed from the pool's bytes, decoded only on a hash match
      const hashes = new Set<number>();
      for (const id of named.keys()) {
        const b = Buffer.from(id, 'utf8');
        hashes.add(fnv1a32Bytes(b, 0, b.length));
      }
      let base2 = 0;
      for (const c of chunksOf(data, fd)) {
        const { bytes, offsets } = c.pool;
        for (let i = 0; i < c.rows; i++) {
          const k = c.id[i]!;
          if (!hashes.has(fnv1a32Bytes(bytes, offsets[k]!, offsets[k + 1]!))) continue;
          const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(
            'utf8',
            offsets[k]!,
            offsets[k + 1]!,
          );
          const at = named.get(id);
          if (at !== undefined) g.union(at, base2 + i);
        }
        base2 += c.rows;
      }
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  // groups, largest first (ties: the group whose first row comes first), each to the least loaded part
  // (only groups of two or more are sorted: the single rows, often most of them, follow in row
  // order, where the sort would put them, kept in a typed array: a million pushed to a plain one
  // took ~0.12 s)
  const roots: number[] = [];
  const singles = new Int32Array(n);
  let nSingles = 0;
  for (let i = 0; i < n; i++)
    if (g.find(i) === i) {
      if (g.size[i] === 1) singles[nSingles++] = i;
      else roots.push(i);
    }
  roots.sort((a, b) => g.size[b]! - g.size[a]! || a - b);
  const load = new Array<number>(parts).fill(0);
  load[0] = head;
  const partOfRoot = new Int32Array(n);
  const place = (root: number): void => {
    let best = 0;
    for (let p = 1; p < parts; p++) if (load[p]! < load[best]!) best = p;
    partOfRoot[root] = best;
    load[best]! += g.size[root]!;
  };
  for (const root of roots) place(root);
  for (let k = 0; k < nSingles; k++) place(singles[k]!);
  const part = into ?? new Int32Array(new SharedArrayBuffer(4 * Math.max(1, n)));
  for (let i = 0; i < n; i++) part[i] = partOfRoot[g.find(i)]!;
  load[0]! -= head;
  return {
    part,
    parts,
    sizes: load,
    groups: roots.length + nSingles,
    largest: n ? (roots.length ? g.size[roots[0]!]! : 1) / n : 0,
  };

  function join(key: string, row: number): void {
    const at = first.get(key);
    if (at === undefined) first.set(key, row);
    else g.union(at, row);
  }
}
