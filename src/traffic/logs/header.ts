// What a log's header (CSV) or first record (JSONL) must hold before rows are read, and what a
// message may show of it. A scenario may name any file as its log (a credentials file, in a pull
// request): the names of a header that shares no field with any known log layout are never
// printed, only what was expected.
import { excerpt, userError } from '../../diagnostics.js';
import type { Column } from './columns.js';
import { knownFieldNames, type Preset, presetsMatching } from './presets.js';

let known: Set<string> | undefined;

/** True when at least one name is a field some preset (or --map) reads: the file is a request log. */
export function looksLikeLog(names: readonly string[], columns: Partial<Record<Column, string[]>>): boolean {
  known ??= knownFieldNames();
  const mapped = new Set(Object.values(columns).flatMap((fs) => (fs ?? []).map((f) => f.toLowerCase())));
  return names.some((n) => {
    const k = n.trim().toLowerCase();
    return known!.has(k) || mapped.has(k) || known!.has(k.split('.')[0]!);
  });
}

/** "a; or b; or c" */
export function alternatives(parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p)
    .map((p, i) => (i === 0 ? p : `or ${p}`))
    .join('; ');
}

/** Field names for a message: printable, each cut to 40 characters, at most 30 of them. */
export function shownFields(names: readonly string[]): string {
  const clean = names.slice(0, 30).map((n) => excerpt(n, 40));
  const more = names.length > 30 ? `, … (${names.length - 30} more)` : '';
  return clean.join(', ') + more;
}

const EXPECTED =
  'a request log: CSV whose first line names its columns (e.g. timestamp,model,input_tokens,output_tokens) or JSONL with one JSON object per request';

/**
 * The checks on a CSV header, in this order: it is a log's header at all (else nothing of it is
 * shown), no column name appears twice (which copy would be meant?), every required column is there.
 */
export function checkCsvHeader(
  header: readonly string[],
  columns: Partial<Record<Column, string[]>>,
  preset: Preset,
  fallbackModel: string | undefined,
  fallbackTime: number | undefined,
  shown: string,
): void {
  if (!looksLikeLog(header, columns))
    throw userError(
      'LOG_HEADER',
      `the first line of ${shown} is not the header of a request log: none of its ${header.length} column name${header.length === 1 ? '' : 's'} is one llmcost reads (it is not shown)`,
      {
        where: `${shown}:1`,
        hint: `pass ${EXPECTED}; for another layout use --preset or --map timestamp=<your column>,...`,
      },
    );
  const firstAt = new Map<string, number>();
  for (let i = 0; i < header.length; i++) {
    const name = header[i]!;
    // unnamed columns (a trailing comma) cannot be read by name: no ambiguity
    if (name === '') continue;
    const first = firstAt.get(name);
    if (first !== undefined)
      throw userError(
        'LOG_HEADER',
        `column '${excerpt(name)}' appears twice in the header (columns ${first + 1} and ${i + 1}): which copy to read is a guess`,
        {
          where: `${shown}:1:${header.slice(0, i).reduce((n, h) => n + h.length + 1, 1)}`,
          hint: 'rename or remove one copy (an export joined twice?), then read the log again',
        },
      );
    firstAt.set(name, i);
  }
  const have = new Set(header);
  const has = (c: Column): boolean => (columns[c] ?? []).some((f) => have.has(f));
  const missing: string[] = [];
  if (!has('timestamp') && fallbackTime === undefined) missing.push('timestamp');
  if (!has('model') && !fallbackModel) missing.push('model');
  if (!has('input_tokens') && !has('prompt')) missing.push('input_tokens');
  if (!has('output_tokens') && !has('completion')) missing.push('output_tokens');
  if (!missing.length) return;
  const fieldsFor = (c: string): string => (columns[c as Column] ?? [c]).join('|');
  const suggest = presetsMatching([...header]).filter((p) => p !== preset.name);
  throw userError(
    'LOG_HEADER',
    `header is missing required column${missing.length > 1 ? 's' : ''} ${missing.map(fieldsFor).join(', ')} (preset ${preset.name}); columns found: ${shownFields(header)}`,
    {
      where: `${shown}:1`,
      hint: alternatives([
        suggest.length ? `this header looks like --preset ${suggest.join(' or --preset ')}` : undefined,
        `map your columns: --map ${missing.map((m) => `${m}=<your column>`).join(',')}`,
        missing.includes('model') ? 'give one model for every row with --model' : undefined,
        missing.includes('timestamp') ? 'give one time for every row with --timestamp DATE' : undefined,
      ]),
    },
  );
}

/**
 * A JSONL log in which no row could be priced for want of a column: said like a header error,
 * with the first record's field names only when they look like a log's.
 */
export function missingJsonlColumn(
  col: string,
  firstFields: readonly string[],
  columns: Partial<Record<Column, string[]>>,
  preset: Preset,
  shown: string,
): Error {
  const log = looksLikeLog(firstFields, columns);
  const suggest = log ? presetsMatching([...firstFields]).filter((p) => p !== preset.name) : [];
  return userError(
    'LOG_HEADER',
    `no row has ${(columns[col as Column] ?? [col]).join('|')} (preset ${preset.name}); ${
      log
        ? `fields found in the first record: ${shownFields(firstFields)}`
        : 'the first record has no field llmcost reads (its fields are not shown)'
    }`,
    {
      where: shown,
      hint: alternatives([
        log ? undefined : `pass ${EXPECTED}`,
        suggest.length ? `try --preset ${suggest.join(' or --preset ')}` : undefined,
        `--map ${col}=<your field> (dot paths reach nested fields)`,
        col === 'model' ? 'give one model for every row with --model' : undefined,
        col === 'timestamp'
          ? "give one time for every row with --timestamp DATE (a batch output file: the job's date)"
          : undefined,
      ]),
    },
  );
}
