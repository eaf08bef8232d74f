// The request table: a source read once into chunks (chunk.ts), so that many runs - a sweep's
// configurations, Monte Carlo seeds, --standalone chains, the partitions of a parallel run - replay
// it without reading or checking the log again. Chunks stay in memory up to a budget; past it,
// they go to a temporary spill file and are read back one at a time (spill.ts).
import { mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimRequest } from '../../engine/request.js';
import { type Chunk, ChunkBuilder, chunkBytes } from './chunk.js';
import { readChunk, SpillFile, type SpillRef } from './spill.js';

/** LLMCOST_TABLE_MB unset: the table keeps this much in memory before it spills to a temporary file */
export const DEFAULT_TABLE_BUDGET_MB = 1024;

export type TablePart = { chunk: Chunk } | { spilled: SpillRef };

/** What a worker thread needs to read the table: shared chunks, and the spill file's path for the others. */
export interface TableData {
  parts: TablePart[];
  rows: number;
  spillPath?: string;
}

export class RequestTable {
  constructor(
    readonly parts: TablePart[],
    readonly rows: number,
    private readonly spill?: SpillFile,
    private readonly spillDir?: string,
  ) {}

  /** bytes held in memory (spilled chunks excluded) */
  get memoryBytes(): number {
    let b = 0;
    for (const p of this.parts) if ('chunk' in p) b += chunkBytes(p.chunk);
    return b;
  }

  get spilledChunks(): number {
    return this.parts.filter((p) => 'spilled' in p).length;
  }

  data(): TableData {
    return { parts: this.parts, rows: this.rows, ...(this.spill ? { spillPath: this.spill.path } : {}) };
  }

  /** delete the spill file, if any (call once every run over the table is done) */
  close(): void {
    this.spill?.remove();
    if (this.spillDir) {
      try {
        rmdirSync(this.spillDir);
      } catch {
        /* already gone */
      }
    }
  }
}

/** The chunks of a table in order, spilled ones read back one at a time (in any thread). */
export function* chunksOf(data: TableData, fd?: number): Generator<Chunk> {
  for (const p of data.parts) {
    if ('chunk' in p) yield p.chunk;
    else {
      if (fd === undefined) throw new Error('internal: a spilled chunk needs the spill file open');
      yield readChunk(fd, p.spilled);
    }
  }
}

export interface TableOptions {
  /** memory budget in bytes (default DEFAULT_TABLE_BUDGET_MB) */
  budgetBytes?: number;
  /** where the spill file goes (default the OS temporary directory) */
  tmp?: string;
}

/** LLMCOST_TABLE_MB (a positive number of MB) -> bytes; undefined when unset. */
export function tableBudget(env: Record<string, string | undefined>): number | undefined {
  const v = env.LLMCOST_TABLE_MB;
  if (v === undefined || v.trim() === '') return undefined;
  const mb = Number(v);
  return Number.isFinite(mb) && mb > 0 ? Math.round(mb * 2 ** 20) : Number.NaN;
}

/**
 * Read every request of a source into a table. Requests are appended in source order (row k of
 * the table is the k-th request the source gave), so a run over the table sees exactly the stream
 * a run over the source would.
 */
export async function buildTable(
  source: AsyncIterable<SimRequest[]> | Iterable<SimRequest[]>,
  opts: TableOptions = {},
): Promise<RequestTable> {
  const budget = opts.budgetBytes ?? DEFAULT_TABLE_BUDGET_MB * 2 ** 20;
  const parts: TablePart[] = [];
  let held = 0;
  let rows = 0;
  let spill: SpillFile | undefined;
  let spillDir: string | undefined;
  let b = new ChunkBuilder();
  const seal = (): void => {
    const chunk = b.freeze();
    const bytes = chunkBytes(chunk);
    if (held + bytes <= budget) {
      parts.push({ chunk });
      held += bytes;
    } else {
      if (!spill) {
        spillDir = mkdtempSync(join(opts.tmp ?? tmpdir(), 'llmcost-'));
        spill = new SpillFile(join(spillDir, 'table.bin'));
      }
      parts.push({ spilled: spill.write(chunk) });
    }
    b = new ChunkBuilder();
  };
  try {
    for await (const batch of source as AsyncIterable<SimRequest[]>) {
      for (const r of batch) {
        b.add(r);
        if (b.full) seal();
      }
      rows += batch.length;
    }
    if (b.rows > 0) seal();
  } catch (e) {
    spill?.remove();
    if (spillDir) rmSync(spillDir, { recursive: true, force: true });
    throw e;
  }
  return new RequestTable(parts, rows, spill, spillDir);
}
