// `llmcost estimate`: the closed-form calculator from flags (no traffic file needed).
import type { Command } from 'commander';
import { userError } from '../diagnostics.js';
import { type CacheMode, estimateRow } from '../engine/estimate.js';
import { renderEstimate } from '../report/estimate.js';
import { TIERS, type Tier } from '../pricing/pricebook.js';
import { int } from '../report/format.js';
import type { App } from './app.js';
import { addOutputOptions, addPricingOptions, intFlag, intListFlag, loadBook } from './common.js';
import { emit } from './io.js';
import type { Format } from '../report/render.js';

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
  addOutputOptions(cmd, ['table', 'json', 'md', 'csv']);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost estimate --model claude-sonnet-4-5 --system-tokens 8000 --input-tokens 400 --output-tokens 300
  llmcost estimate --model gpt-4-turbo --as-of 2024-12-15 --requests 10000 --input-tokens 800 --output-tokens 200 --cache off

Caching model: arrivals are Poisson at requests/day spread evenly over the day. A request writes
the cache when the previous one came more than the TTL earlier (probability exp(-rate*ttl));
hits refresh the entry. "naive" is the spreadsheet bound of one write per TTL window.`,
  );
  cmd.action((o: Opts) => {
    const format = o.format;
    const book = loadBook(app, o);
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
      pricing: { version: book.version, effective: book.effective, source: model.source },
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
    emit(app.io, renderEstimate(format, doc), o.out);
  });
}
