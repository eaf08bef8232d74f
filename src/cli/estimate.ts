// `llmcost estimate`: the closed-form calculator from flags (no traffic file needed).
import { makeTable } from '../report/terminal.js';
import type { Command } from 'commander';
import { userError } from '../diagnostics.js';
import { type CacheMode, estimateRow, type EstimateRow } from '../engine/estimate.js';
import { describeChannel, TIERS, type Tier } from '../pricing/pricebook.js';
import { int, num, pct, usd } from '../report/format.js';
import type { App } from './app.js';
import {
  addModelOptions,
  addOutputOptions,
  addPricingOptions,
  intFlag,
  intListFlag,
  loadPricing,
  type ModelFlags,
} from './common.js';
import { emit, type Format } from './io.js';

interface Opts {
  model: string;
  requests: string;
  systemTokens: string;
  inputTokens: string;
  outputTokens: string;
  cache: string;
  days: string;
  tier: string;
  pricing?: string;
  asOf?: string;
  staleAfter?: string;
  format: Format;
  out?: string;
}

export function registerEstimate(program: Command, app: App): void {
  const cmd = program
    .command('estimate')
    .description('closed-form daily/monthly cost at several volumes, with and without prompt caching')
    .option('-m, --model <model>', 'model id or alias', 'claude-sonnet-4-5')
    .option('-r, --requests <list>', 'requests per day, comma-separated (10k, 1.5M accepted)', '1000,10000,100000')
    .option('-s, --system-tokens <n>', 'cacheable shared prefix per request (system prompt, tools)', '0')
    .option('-i, --input-tokens <n>', 'dynamic (never repeated) input tokens per request', '500')
    .option('-O, --output-tokens <n>', 'output tokens per request', '300')
    .option('-c, --cache <mode>', 'prompt cache TTL: off|5m|1h', '5m')
    .option('-d, --days <n>', 'days in the "monthly" column', '30')
    .option('-t, --tier <tier>', `service tier: ${TIERS.join('|')}`, 'standard');
  addPricingOptions(cmd);
  addModelOptions(cmd);
  addOutputOptions(cmd, ['table', 'json', 'md', 'csv']);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost estimate --model claude-sonnet-4-5 --system-tokens 8000 --input-tokens 400 --output-tokens 300
  llmcost estimate --model gpt-4-turbo --as-of 2024-12-15 --requests 10000 --input-tokens 800 --output-tokens 200 --cache off
  llmcost estimate --model us.anthropic.claude-sonnet-4-5-20250929-v1:0 --cache off   # Bedrock regional price
  llmcost estimate --model deepseek/deepseek-chat --cache off                           # a catalog price

Caching model: arrivals are Poisson at requests/day spread evenly over the day. A request writes
the cache when the previous one came more than the TTL earlier (probability exp(-rate*ttl));
hits refresh the entry. "naive" is the spreadsheet bound of one write per TTL window.`,
  );
  cmd.action((o: Opts & ModelFlags) => {
    const format = o.format;
    const book = loadPricing(app, o, false);
    const model = book.resolve(o.model, '--model');
    if (!['off', '5m', '1h'].includes(o.cache))
      throw userError('USAGE', `--cache '${o.cache}' is not off, 5m or 1h`, {
        where: '--cache',
        hint: 'use --cache off, --cache 5m or --cache 1h',
      });
    if (!(TIERS as readonly string[]).includes(o.tier))
      throw userError('USAGE', `--tier '${o.tier}' is not a service tier`, {
        where: '--tier',
        hint: `use one of ${TIERS.join(', ')}`,
      });
    const cache = o.cache as CacheMode;
    if (cache === '1h' && model.cache?.style === 'explicit' && !model.cache.has1h) {
      throw userError('USAGE', `model '${model.id}' has no 1-hour cache in pricing table ${book.version}`, {
        where: '--cache',
        hint: 'use --cache 5m, or a newer table (--as-of)',
      });
    }
    const common = {
      model,
      book,
      systemTokens: intFlag(o.systemTokens, '--system-tokens', 0, 100_000_000),
      inputTokens: intFlag(o.inputTokens, '--input-tokens', 0, 100_000_000),
      outputTokens: intFlag(o.outputTokens, '--output-tokens', 0, 100_000_000),
      cache,
      days: intFlag(o.days, '--days', 1, 36_500),
      tier: o.tier as Tier,
    };
    const rows = intListFlag(o.requests, '--requests', 1).map((requestsPerDay) =>
      estimateRow({ ...common, requestsPerDay }),
    );
    const notes: string[] = [];
    if (cache !== 'off' && common.systemTokens > 0 && rows[0]!.cacheableTokens === 0) {
      notes.push(
        model.cache
          ? `the ${int(common.systemTokens)}-token prefix is below ${model.id}'s cache minimum of ${int(model.cache.minTokens)} tokens: nothing is cached`
          : `${model.id} has no prompt caching in table ${book.version}`,
      );
    }
    if (rows.some((r) => r.band === 'long'))
      notes.push(
        `requests exceed the ${int(model.longContextThreshold!)}-token long-context threshold: the whole request is priced in the long band`,
      );
    const doc = {
      model: model.id,
      pricing: {
        version: book.version,
        effective: book.effective,
        source: model.source,
        // a catalog price or a channel's is said as such: neither is the table's vendor price
        pricedBy: model.pricedBy?.kind === 'catalog' ? `catalog ${model.pricedBy.version}` : book.version,
        channel: model.channel ? describeChannel(model.channel) : null,
      },
      assumptions: {
        systemTokens: common.systemTokens,
        inputTokens: common.inputTokens,
        outputTokens: common.outputTokens,
        cache,
        cacheStyle: model.cache?.style ?? 'none',
        tier: common.tier,
        days: common.days,
      },
      rows,
      notes,
    };
    emit(app.io, render(format, doc), o.out);
  });
}

type Doc = {
  model: string;
  pricing: { version: string; pricedBy: string; channel: string | null };
  assumptions: {
    cache: string;
    days: number;
    systemTokens: number;
    inputTokens: number;
    outputTokens: number;
    cacheStyle: string;
  };
  rows: EstimateRow[];
  notes: string[];
};

function render(format: string, doc: Doc): string {
  if (format === 'json') return JSON.stringify(doc, null, 2);
  const head = [
    'requests/day',
    'daily (no cache)',
    'daily (cache)',
    `${doc.assumptions.days}-day (no cache)`,
    `${doc.assumptions.days}-day (cache)`,
    'saving',
    'cache writes/day',
    'naive writes/day',
    'naive daily (cache)',
  ];
  const body = doc.rows.map((r) => [
    int(r.requestsPerDay),
    usd(r.daily.noCache),
    usd(r.daily.withCache),
    usd(r.monthly.noCache),
    usd(r.monthly.withCache),
    pct(r.saving.pct),
    num(r.cacheWritesPerDay, 1),
    num(r.naive.cacheWritesPerDay, 1),
    usd(r.naive.daily.withCache),
  ]);
  const title = `${doc.model}${doc.pricing.channel ? ` (${doc.pricing.channel})` : ''} · pricing ${doc.pricing.pricedBy} · ${int(doc.assumptions.systemTokens)} cacheable + ${int(doc.assumptions.inputTokens)} input + ${int(doc.assumptions.outputTokens)} output tokens · cache ${doc.assumptions.cache} (${doc.assumptions.cacheStyle})`;
  if (format === 'csv')
    return [
      head,
      ...doc.rows.map((r) => [
        r.requestsPerDay,
        r.daily.noCache,
        r.daily.withCache,
        r.monthly.noCache,
        r.monthly.withCache,
        r.saving.pct,
        r.cacheWritesPerDay,
        r.naive.cacheWritesPerDay,
        r.naive.daily.withCache,
      ]),
    ]
      .map((l) => l.join(','))
      .join('\n');
  if (format === 'md') {
    return [
      `**${title}**`,
      '',
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---:').join('|')}|`,
      ...body.map((b) => `| ${b.join(' | ')} |`),
      '',
      ...doc.notes.map((n) => `> ${n}`),
    ].join('\n');
  }
  const t = makeTable(head);
  for (const b of body) t.push(b);
  return [title, t.toString(), ...doc.notes.map((n) => `note: ${n}`)].join('\n');
}
