// Writes test/fixtures/exports/tool-layouts.parquet: the LiteLLM_SpendLogs rows of
// litellm_spendlogs_psql_copy.csv as a warehouse export would hold them (typed columns: INT64
// tokens, DOUBLE spend, TIMESTAMP start times, metadata as JSON text), in two row groups so the
// reader's row-group streaming is exercised, plus one row with a negative token count (a reject).
// Byte-identical on every run. Usage: node scripts/make-parquet-fixture.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parquetWriteBuffer } from 'hyparquet-writer';

const dir = join(import.meta.dirname, '../test/fixtures/exports');
const rows = parse(readFileSync(join(dir, 'litellm_spendlogs_psql_copy.csv')), { columns: true });
// a row a warehouse would hold but no provider billed: negative tokens (rejected with its row number)
rows.push({ ...rows[0], request_id: 'req-bad-11', prompt_tokens: '-5', completion_tokens: '1', spend: '0' });

// "2025-01-24 09:21:01.000001" (UTC, microseconds) -> ms
const ms = (s) => Date.parse(`${s.replace(' ', 'T').slice(0, 23)}Z`);
const big = (s) => BigInt(s);
const text = (s) => (s === '' ? null : s);

const columnData = [
  { name: 'request_id', data: rows.map((r) => r.request_id), type: 'STRING' },
  { name: 'call_type', data: rows.map((r) => r.call_type), type: 'STRING' },
  { name: 'spend', data: rows.map((r) => Number(r.spend)), type: 'DOUBLE' },
  { name: 'total_tokens', data: rows.map((r) => big(r.total_tokens)), type: 'INT64' },
  { name: 'prompt_tokens', data: rows.map((r) => big(r.prompt_tokens)), type: 'INT64' },
  { name: 'completion_tokens', data: rows.map((r) => big(r.completion_tokens)), type: 'INT64' },
  { name: 'startTime', data: rows.map((r) => new Date(ms(r.startTime))), type: 'TIMESTAMP' },
  { name: 'endTime', data: rows.map((r) => new Date(ms(r.endTime))), type: 'TIMESTAMP' },
  { name: 'model', data: rows.map((r) => r.model), type: 'STRING' },
  { name: 'model_group', data: rows.map((r) => text(r.model_group)), type: 'STRING' },
  { name: 'custom_llm_provider', data: rows.map((r) => text(r.custom_llm_provider)), type: 'STRING' },
  { name: 'user', data: rows.map((r) => text(r.user)), type: 'STRING' },
  { name: 'metadata', data: rows.map((r) => r.metadata), type: 'JSON' },
  { name: 'cache_hit', data: rows.map((r) => text(r.cache_hit)), type: 'STRING' },
  { name: 'team_id', data: rows.map((r) => text(r.team_id)), type: 'STRING' },
  { name: 'messages', data: rows.map((r) => r.messages), type: 'JSON' },
  { name: 'status', data: rows.map((r) => r.status), type: 'STRING' },
];
const buf = parquetWriteBuffer({ columnData, rowGroupSize: 6 });
writeFileSync(join(dir, 'tool-layouts.parquet'), new Uint8Array(buf));
console.log(`wrote ${rows.length} rows`);
