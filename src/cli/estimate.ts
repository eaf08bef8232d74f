// `llmcost estimate`: the closed-form calculator from flags (no traffic file needed).
import type { Command } from 'commander';
import { estimate } from '../app/estimate.js';
import { TIERS } from '../pricing/pricebook.js';
import { ESTIMATE_RENDERERS } from '../report/estimate.js';
import type { App } from './app.js';
import {
  addModelOptions,
  addOutputOptions,
  addPricingOptions,
  intFlag,
  intListFlag,
  type ModelFlags,
  modelChoice,
  type PricingFlags,
  tableChoice,
  addDisplayOptions,
  displayFlags,
  type DisplayFlags,
} from './common.js';
import { emit } from './io.js';
import { type Format, formatsOf, renderWith } from '../report/formats.js';

interface Opts extends PricingFlags, ModelFlags, DisplayFlags {
  model: string;
  requests: string;
  systemTokens: string;
  inputTokens: string;
  outputTokens: string;
  cache: string;
  days: string;
  tier: string;
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
  addDisplayOptions(cmd);
  addOutputOptions(cmd, formatsOf(ESTIMATE_RENDERERS));
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost estimate --model claude-sonnet-4-5 --system-tokens 8000 --input-tokens 400 --output-tokens 300
  llmcost estimate --model gpt-4-turbo --as-of 2024-12-15 --requests 10000 --input-tokens 800 --output-tokens 200 --cache off
  llmcost estimate --model us.anthropic.claude-sonnet-4-5-20250929-v1:0 --cache off   # Bedrock regional price
  llmcost estimate --model claude-sonnet-4-5 --system-tokens 8000 --currency EUR --fx 0.92   # monthly cost in EUR
  llmcost estimate --model deepseek/deepseek-chat --cache off                           # a catalog price

Caching model: arrivals are Poisson at requests/day spread evenly over the day. A request writes
the cache when the previous one came more than the TTL earlier (probability exp(-rate*ttl));
hits refresh the entry. "naive" is the spreadsheet bound of one write per TTL window.
Gemini: --cache 1h (or any TTL on a model without implicit hits at the table's date, such as
Gemini 1.5 and 2.0) is an explicit context cache: it lives one TTL from its creation, hits do
not extend it (writes = requests / (1 + rate*ttl)), and its storage is billed per token-hour.`,
  );
  cmd.action(async (o: Opts) => {
    const display = displayFlags(o);
    const doc = await estimate(
      {
        ...tableChoice(o),
        ...modelChoice(o),
        model: o.model,
        requestsPerDay: intListFlag(o.requests, '--requests', 1),
        systemTokens: intFlag(o.systemTokens, '--system-tokens', 0, 100_000_000),
        inputTokens: intFlag(o.inputTokens, '--input-tokens', 0, 100_000_000),
        outputTokens: intFlag(o.outputTokens, '--output-tokens', 0, 100_000_000),
        cache: o.cache,
        days: intFlag(o.days, '--days', 1, 36_500),
        tier: o.tier,
      },
      app,
    );
    emit(app.io, renderWith(ESTIMATE_RENDERERS, display ? { ...doc, display } : doc, o.format), o.out);
  });
}
