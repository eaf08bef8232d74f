// The yardstick: the same questions asked of the bench log in DuckDB SQL (@duckdb/node-api, a dev
// dependency). Prices come from the same pricing table llmcost uses, so the totals are also a
// correctness oracle: the baseline query must equal `replay`'s baseline and the cache query must
// equal `simulate` with prompt-cache alone (ttl 5m, every use refreshes), to the micro-dollar.
import { loadPricingFile } from '../dist/pricing/load.js';

const MODELS = ['claude-sonnet-4-5', 'gpt-4.1-mini', 'gemini-2.5-flash'];

/** pico-USD per 1M tokens -> USD per 1M tokens as an exact decimal literal */
const usd = (pico) => {
  const s = pico.toString().padStart(13, '0');
  return `${s.slice(0, -12)}.${s.slice(-12)}`;
};

/** (model, pin, pout, pread, pwrite, style, mint, inc) for the bench log's models, from a pricing table file */
export function priceValues(tableFile) {
  const { book } = loadPricingFile(tableFile);
  const rows = MODELS.map((id) => {
    const m = book.resolve(id);
    const p = (cls) => usd(book.price(m, 'standard', 'base', cls));
    const c = m.cache;
    return `('${m.id}', ${p('input')}, ${p('output')}, ${p('cacheRead')}, ${p('cacheWrite5m')}, '${c.style}', ${c.minTokens}, ${c.increment})`;
  });
  return `p(model, pin, pout, pread, pwrite, style, mint, inc) AS (VALUES\n  ${rows.join(',\n  ')})`;
}

export const SQL = {
  // replay's baseline: tokens x price, by tenant and feature
  baseline: (file, prices) => `WITH ${prices}
SELECT tenant, feature, count(*) AS requests, sum(input_tokens * pin + output_tokens * pout) / 1e6 AS cost
FROM read_csv('${file}') l JOIN p USING (model) GROUP BY ALL ORDER BY cost DESC`,
  // prompt-cache alone (ttl 5m; automatic caches: 5 min retention): a hit is a previous request on
  // the same (model, prefix_key) less than 5 minutes earlier, since every use refreshes the entry
  cache: (file, prices) => `WITH ${prices},
k AS (SELECT l.*, p.*, least(prefix_tokens, input_tokens) AS pt,
        epoch_ms(timestamp) - lag(epoch_ms(timestamp)) OVER (PARTITION BY model, prefix_key ORDER BY timestamp) AS gap
      FROM read_csv('${file}') l JOIN p USING (model)),
c AS (SELECT *, gap IS NOT NULL AND gap < 300000 AND pt >= mint AS hit,
        CASE WHEN pt < mint THEN 0 WHEN style = 'explicit' THEN pt ELSE mint + floor((pt - mint) / inc) * inc END AS cacheable
      FROM k)
SELECT tenant, feature, count(*) AS requests, sum(hit::INT) AS hits,
  sum((input_tokens - CASE WHEN hit OR style = 'explicit' THEN cacheable ELSE 0 END) * pin
      + CASE WHEN hit THEN cacheable * pread WHEN style = 'explicit' THEN cacheable * pwrite ELSE 0 END
      + output_tokens * pout) / 1e6 AS cost
FROM c GROUP BY ALL ORDER BY cost DESC`,
};

/** Run one query on a fresh in-memory DuckDB; returns the rows, the total cost and the query's own time. */
export async function duckQuery(which, file, tableFile) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const t0 = performance.now();
  const reader = await con.runAndReadAll(SQL[which](file, priceValues(tableFile)));
  const rows = reader.getRowObjectsJson();
  const queryMs = Math.round(performance.now() - t0);
  const total = rows.reduce((s, r) => s + Number(r.cost), 0);
  return { rows: rows.reduce((s, r) => s + Number(r.requests), 0), total: Math.round(total * 1e6) / 1e6, queryMs };
}

/** The 1/N sample of docs/scale.md, cut by DuckDB by prefix_key (the text of every kept row unchanged). */
export async function duckSample(file, basisPoints, out) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const t0 = performance.now();
  await con.run(`COPY (
  SELECT * FROM read_csv('${file}', all_varchar = true)
  WHERE ('0x' || substr(md5(coalesce(nullif(trim(prefix_key), ''), request_id)), 1, 8))::BIGINT % 10000 < ${basisPoints}
) TO '${out}' (HEADER)`);
  const queryMs = Math.round(performance.now() - t0);
  const n = await con.runAndReadAll(`SELECT count(*) AS n FROM read_csv('${out}', all_varchar = true)`);
  return { rows: Number(n.getRowObjectsJson()[0].n), queryMs };
}
