// Parquet logs (warehouse exports), read with hyparquet (pure JS) one row group at a time: memory
// holds one row group's rows, never the file. Snappy is built in; gzip, zstd, brotli and lz4 come
// from hyparquet-compressors. A record's "line" is its 1-based row number. A parallel read gives each
// thread a run of row groups (table/read.ts cutLog). A group is read by columns and its rows are
// made here, with the values the row reader takes (hyparquet's row objects, converted after, took
// ~15% longer), and a sample's rows outside it are never made.
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { userError } from '../../diagnostics.js';
import { RECORD_BATCH } from './json.js';
import type { LineSampler } from './sampled.js';
import type { RawRecord } from './source.js';

/** Parquet's plain values as the row reader takes them: INT64 (bigint) as a number, dates as ISO text. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

/** One row group's values by column (top-level columns, in the schema's order). */
async function groupColumns(
  file: Parameters<typeof parquetRead>[0]['file'],
  metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>,
  rowStart: number,
  n: number,
  columns: string[],
): Promise<Map<string, unknown[]>> {
  const data = new Map<string, unknown[]>(columns.map((c) => [c, new Array<unknown>(n)]));
  await parquetRead({
    file,
    metadata,
    rowStart,
    rowEnd: rowStart + n,
    compressors,
    onChunk: ({ columnName, columnData, rowStart: from }) => {
      const into = data.get(columnName);
      if (!into) return;
      for (let i = 0, at = from - rowStart; i < columnData.length && at < n; i++, at++)
        if (at >= 0) into[at] = columnData[i];
    },
  });
  return data;
}

/**
 * The rows [from, to) of a row group read by columns, as records: an object of all its columns per
 * row (in the schema's order, values as the row reader takes them). With a sample's `sampled`, a
 * row's unit and id columns decide first and only a kept row is made.
 */
function groupRecords(
  data: Map<string, unknown[]>,
  rowStart: number,
  from: number,
  to: number,
  sampled: LineSampler['rows'],
): RawRecord[] {
  const deciding = sampled ? sampled.columns.filter((c) => data.has(c)).map((c) => [c, data.get(c)!] as const) : [];
  const all = [...data];
  const out: RawRecord[] = [];
  for (let i = from; i < to; i++) {
    const line = rowStart + i + 1;
    if (sampled) {
      const probe: Record<string, unknown> = {};
      for (const [c, values] of deciding) probe[c] = plainValue(values[i]);
      if (!sampled.keep(probe, line)) continue;
    }
    const row: Record<string, unknown> = {};
    for (const [c, values] of all) row[c] = plainValue(values[i]);
    out.push({ line, fields: row });
  }
  return out;
}

/** a column value as the row reader takes it (see plain) */
const plainValue = (v: unknown): unknown =>
  v !== null && (typeof v === 'object' || typeof v === 'bigint') ? plain(v) : v;

export interface ParquetLog {
  /** column names of the top-level schema (the "header") */
  columns: string[];
  rows: number;
  records: AsyncGenerator<RawRecord[]>;
}

/** A Parquet file's footer: its schema and row groups (a located error when it cannot be read). */
async function footer(path: string, shownAs: string) {
  const file = await asyncBufferFromFile(path);
  try {
    return { file, metadata: await parquetMetadataAsync(file) };
  } catch (e) {
    throw userError('LOG_FORMAT', `Parquet file ${shownAs} cannot be read: ${(e as Error).message.slice(0, 200)}`, {
      where: shownAs,
      hint: 'the file is truncated or not Parquet: re-export it (a Parquet file ends with its footer and the bytes PAR1)',
    });
  }
}

/** The rows of each row group of a Parquet file, from its footer (for cutting it into ranges). */
export async function parquetGroupRows(path: string, shownAs: string): Promise<number[]> {
  const { metadata } = await footer(path, shownAs);
  return metadata.row_groups.map((g) => Number(g.num_rows));
}

/** A Parquet log, or its row groups [groups.from, groups.to) (a range of a parallel read: table/read.ts). */
export async function openParquet(
  path: string,
  shownAs: string,
  groups?: { from: number; to: number },
  /** a sample's: once its `rows` is set, a row group is read by columns and only its kept rows are built */
  sampler?: LineSampler,
): Promise<ParquetLog> {
  const { file, metadata } = await footer(path, shownAs);
  // the top-level fields: schema[0] is the root, its num_children direct children follow in depth-first order
  const columns: string[] = [];
  const schema = metadata.schema;
  let i = 1;
  const skip = (at: number): number => {
    let next = at + 1;
    for (let c = 0; c < (schema[at]!.num_children ?? 0); c++) next = skip(next);
    return next;
  };
  while (i < schema.length) {
    columns.push(schema[i]!.name);
    i = skip(i);
  }
  const from = groups?.from ?? 0;
  const to = groups?.to ?? metadata.row_groups.length;
  async function* records(): AsyncGenerator<RawRecord[]> {
    // the rows of the groups before the first read: row numbers are the file's
    let rowStart = metadata.row_groups.slice(0, from).reduce((n, g) => n + Number(g.num_rows), 0);
    for (const group of metadata.row_groups.slice(from, to)) {
      const n = Number(group.num_rows);
      let data: Map<string, unknown[]>;
      try {
        data = await groupColumns(file, metadata, rowStart, n, columns);
      } catch (e) {
        throw userError(
          'LOG_FORMAT',
          `Parquet row group at row ${rowStart + 1} cannot be read: ${(e as Error).message}`,
          {
            where: `${shownAs}:${rowStart + 1}`,
            hint: 'the file is corrupt or uses an encoding this reader does not know: re-export it (Snappy, gzip or zstd)',
          },
        );
      }
      for (let at = 0; at < n; ) {
        // a sample's rows (once the reader has settled its unit): the group's rest at once, few are kept
        const sampled = sampler?.rows;
        const end = sampled ? n : Math.min(n, at + RECORD_BATCH);
        const recs = groupRecords(data, rowStart, at, end, sampled);
        if (sampled) sampler!.dropped += end - at - recs.length;
        at = end;
        if (recs.length <= RECORD_BATCH) {
          if (recs.length) yield recs;
        } else for (let k = 0; k < recs.length; k += RECORD_BATCH) yield recs.slice(k, k + RECORD_BATCH);
      }
      rowStart += n;
    }
  }
  return { columns, rows: Number(metadata.num_rows), records: records() };
}
