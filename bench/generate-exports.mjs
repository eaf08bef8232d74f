// Seeded generators of the export-format benchmark inputs: a JSON array of Langfuse observations
// (the API's layout, one element per line) and a Parquet file of canonical columns in 100K-row
// groups (a warehouse export). Both hold the same kind of traffic as generate.mjs.
// usage: node bench/generate-exports.mjs json|parquet OUT ROWS
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from '../dist/engine/rng.js';

const FEATURES = [
  { name: 'support', model: 'claude-sonnet-4-5', sys: 2400 },
  { name: 'search', model: 'gpt-4.1-mini', sys: 1800 },
  { name: 'summarise', model: 'gemini-2.5-flash', sys: 3200 },
];
const TENANTS = ['acme', 'globex', 'initech', 'umbrella'];

function* rowsOf(rows, seed = 42) {
  const rng = createRng(seed);
  const startMs = Date.UTC(2026, 9, 1);
  const gapMs = (30 * 86_400_000) / rows;
  for (let i = 0; i < rows; i++) {
    const f = FEATURES[rng.int(FEATURES.length)];
    const input = f.sys + 50 + rng.int(2000);
    yield {
      i,
      atMs: Math.floor(startMs + i * gapMs),
      model: f.model,
      feature: f.name,
      tenant: TENANTS[rng.int(TENANTS.length)],
      input,
      cached: rng.next() < 0.5 ? f.sys : 0,
      output: 80 + rng.int(600),
      // one observation in ten is a SPAN (skipped); one generation in fifty failed without usage
      span: rng.next() < 0.1,
      failed: rng.next() < 0.02,
    };
  }
}

/** Langfuse observations as a JSON array; usageDetails keep cached tokens beside input, as Langfuse does. */
export async function generateJsonArray(file, rows) {
  const out = createWriteStream(file);
  out.write('[\n');
  let buf = '';
  for (const r of rowsOf(rows)) {
    const o = r.span
      ? {
          id: `o${r.i}`,
          traceId: `t${r.i >> 3}`,
          type: 'SPAN',
          name: 'handle-request',
          startTime: new Date(r.atMs).toISOString(),
          model: null,
          usageDetails: {},
          costDetails: {},
          level: 'DEFAULT',
        }
      : {
          id: `o${r.i}`,
          traceId: `t${r.i >> 3}`,
          type: 'GENERATION',
          name: r.feature,
          startTime: new Date(r.atMs).toISOString(),
          model: r.model,
          userId: r.tenant,
          usageDetails: r.failed ? {} : { input: r.input - r.cached, input_cached_tokens: r.cached, output: r.output },
          costDetails: {},
          level: r.failed ? 'ERROR' : 'DEFAULT',
        };
    buf += `${r.i ? ',\n' : ''}${JSON.stringify(o)}`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.write(`${buf}\n]\n`);
  out.end();
  await once(out, 'finish');
}

/** Canonical columns, typed as a warehouse writes them (INT64 tokens, TIMESTAMP), 100K rows per group. */
export async function generateParquet(file, rows) {
  const { parquetWriteFile } = await import('hyparquet-writer');
  const cols = {
    timestamp: [],
    model: [],
    input_tokens: [],
    cached_input_tokens: [],
    output_tokens: [],
    tenant: [],
    feature: [],
    status: [],
  };
  for (const r of rowsOf(rows)) {
    cols.timestamp.push(new Date(r.atMs));
    cols.model.push(r.model);
    cols.input_tokens.push(BigInt(r.failed ? 0 : r.input));
    cols.cached_input_tokens.push(BigInt(r.failed ? 0 : r.cached));
    cols.output_tokens.push(BigInt(r.failed ? 0 : r.output));
    cols.tenant.push(r.tenant);
    cols.feature.push(r.feature);
    cols.status.push(r.failed ? 'error' : 'ok');
  }
  const types = { timestamp: 'TIMESTAMP', input_tokens: 'INT64', cached_input_tokens: 'INT64', output_tokens: 'INT64' };
  parquetWriteFile({
    filename: file,
    columnData: Object.entries(cols).map(([name, data]) => ({ name, data, type: types[name] ?? 'STRING' })),
    rowGroupSize: 100_000,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kind, file, rows] = process.argv.slice(2);
  await (kind === 'parquet' ? generateParquet : generateJsonArray)(file, Number(rows));
}
