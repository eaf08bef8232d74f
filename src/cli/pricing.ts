// `llmcost pricing list|show|validate|diff|import|check`: flags -> one app/pricing.ts function ->
// a renderer of report/pricing/.
import type { Command } from 'commander';
import { checkPricing, diffPricing, importPricing, listPricing, showPricing, validatePricing } from '../app/pricing.js';
import { userError } from '../diagnostics.js';
import { PRICING_CHECK_RENDERERS } from '../report/pricing/check.js';
import { PRICING_DIFF_RENDERERS } from '../report/pricing/diff.js';
import { PRICING_LIST_RENDERERS } from '../report/pricing/list.js';
import { PRICING_SHOW_RENDERERS } from '../report/pricing/show.js';
import { type Format, formatsOf, renderWith } from '../report/formats.js';
import type { App } from './app.js';
import {
  addModelOptions,
  addOutputOptions,
  addPricingOptions,
  type ModelFlags,
  modelChoice,
  type PricingFlags,
  tableChoice,
} from './common.js';
import { registerPricingCatalog } from './pricing-catalog.js';
import { emit } from './io.js';

type Out = { format: Format; out?: string };
const SOURCES = ['litellm'];

function sourceOpt(value: string, flag: string): void {
  if (!SOURCES.includes(value))
    throw userError('USAGE', `${flag} '${value}' is not a known price source`, {
      where: flag,
      hint: `use ${flag} litellm`,
    });
}

export function registerPricing(program: Command, app: App): Command {
  const pricing = program.command('pricing').description('inspect, validate, diff and import pricing tables');

  const list = pricing.command('list').description('list the models of the table in force (USD per 1M tokens)');
  addPricingOptions(list);
  addOutputOptions(list, formatsOf(PRICING_LIST_RENDERERS));
  list.addHelpText(
    'after',
    '\nExamples:\n  llmcost pricing list\n  llmcost pricing list --as-of 2024-12-15 --format md',
  );
  list.action((o: PricingFlags & Out) => {
    emit(app.io, renderWith(PRICING_LIST_RENDERERS, listPricing(tableChoice(o), app), o.format), o.out);
  });

  const show = pricing
    .command('show')
    .argument('<model>', 'model id or alias')
    .description('every price of one model: tiers x bands x token classes, source and date');
  addPricingOptions(show);
  addModelOptions(show);
  addOutputOptions(show, formatsOf(PRICING_SHOW_RENDERERS));
  show.addHelpText(
    'after',
    '\nExamples:\n  llmcost pricing show claude-sonnet-4-5\n  llmcost pricing show gpt-4o --as-of 2024-12-15 --format json' +
      '\n  llmcost pricing show eu.anthropic.claude-sonnet-4-5-20250929-v1:0   # the Bedrock regional price' +
      '\n  llmcost pricing show groq/llama-3.3-70b-versatile                  # a catalog price',
  );
  show.action(async (name: string, o: PricingFlags & ModelFlags & Out) => {
    const model = await showPricing(name, { ...tableChoice(o), ...modelChoice(o) }, app);
    emit(app.io, renderWith(PRICING_SHOW_RENDERERS, model, o.format), o.out);
  });

  const validate = pricing
    .command('validate')
    .argument('<file>', 'pricing table YAML')
    .description('check a pricing table: schema, unknown keys, inconsistent bands and caches');
  validate.addHelpText('after', '\nExample:\n  llmcost pricing validate pricing/2026-11-01.yaml');
  validate.action((file: string) => {
    const r = validatePricing(file, app);
    app.io.stdout.write(`ok: ${r.file}: pricing ${r.version} (effective ${r.effective}), ${r.models} models\n`);
  });

  const diff = pricing
    .command('diff')
    .argument('<old>', 'old table: a YAML file, or the version of a bundled table (e.g. 2024-12-01)')
    .argument('<new>', 'new table: a YAML file, or the version of a bundled table')
    .description('models added/removed/renamed and every price that changed, with % change');
  addOutputOptions(diff, formatsOf(PRICING_DIFF_RENDERERS));
  diff.addHelpText(
    'after',
    `
Examples:
  llmcost pricing diff 2024-12-01 2026-11-01
  llmcost pricing diff pricing/2025-10-01.yaml pricing/2026-11-01.yaml --format md > diff.md

Prices are compared exactly per service tier x band (base / long_context) x token class, after
the table's own rules (a batch discount, cache prices scaled into the long band), plus cache
style/min_tokens/increment, long-context threshold, context window and aliases. A model whose old
id is an alias in the new table (or the reverse) is reported as renamed, not removed + added.`,
  );
  diff.action((oldArg: string, newArg: string, o: Out) => {
    emit(app.io, renderWith(PRICING_DIFF_RENDERERS, diffPricing(oldArg, newArg, app), o.format), o.out);
  });

  const imp = pricing
    .command('import')
    .argument('<file>', "LiteLLM's model_prices_and_context_window.json")
    .description('convert selected models of a LiteLLM price file into a dated pricing table (YAML)')
    .requiredOption('--from <source>', 'format of FILE: litellm')
    .requiredOption(
      '--models <list>',
      'comma-separated models to import; NAME or OUR_ID=LITELLM_KEY (e.g. gpt-4o,claude-sonnet-4=claude-sonnet-4-20250514)',
    )
    .option(
      '--version <date>',
      'version and effective date of the new table (YYYY-MM-DD); default: a date in the file name',
    )
    .option('-o, --out <file>', 'write the table to a file (atomically; its folder must exist) instead of stdout');
  imp.addHelpText(
    'after',
    `
Examples:
  llmcost pricing import --from litellm vendor/litellm/model_prices_and_context_window-2026-08-01.json --models gpt-4o,gpt-4o-mini --version 2026-12-01
  llmcost pricing import --from litellm vendor/litellm/model_prices_and_context_window-2026-08-01.json --models claude-sonnet-4=claude-sonnet-4-20250514,gemini-2.5-pro --version 2026-12-01 --out pricing/2026-12-01.yaml

Per-token floats become USD per 1M tokens by exact decimal arithmetic (3e-06 -> "3.00").
Mapped fields: input/output_cost_per_token, cache_read_input_token_cost, cache_creation_input_token_cost
(write_5m), cache_creation_input_token_cost_above_1hr (write_1h), *_above_200k_tokens (long_context),
*_batches / *_flex / *_priority (tiers), max_input_tokens (context_window), prompt_cache_min_tokens,
input/output_cost_per_audio_token (audio_input/output), output_cost_per_reasoning_token (reasoning) and
input_cost_per_image_token (image_input) where they differ from the input/output price.
The result is validated like any table; warnings name what LiteLLM does not say (e.g. batch discounts).`,
  );
  imp.action((file: string, o: { from: string; models: string; version?: string; out?: string }) => {
    sourceOpt(o.from, '--from');
    const models = o.models
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const r = importPricing({ file, models, version: o.version, out: o.out }, app);
    emit(app.io, r.yaml, o.out);
    if (o.out)
      app.note(
        `wrote ${o.out}: pricing ${r.version}, ${r.models} models; check it with \`llmcost pricing validate ${o.out}\` and review the sources`,
      );
  });

  const chk = pricing
    .command('check')
    .argument('<file>', "LiteLLM's model_prices_and_context_window.json")
    .description(
      'list every disagreement between our pricing table and a LiteLLM price file; exit 1 if a price differs that no accepted entry covers',
    )
    .requiredOption('--against <source>', 'format of FILE: litellm')
    .option('--accepted <file>', 'accepted differences (YAML): reviewed disagreements that do not fail the check');
  addPricingOptions(chk);
  addOutputOptions(chk, formatsOf(PRICING_CHECK_RENDERERS));
  chk.addHelpText(
    'after',
    `
Examples:
  llmcost pricing check --against litellm vendor/litellm/model_prices_and_context_window-2026-08-01.json
  llmcost pricing check --against litellm vendor/litellm/model_prices_and_context_window-2026-08-01.json --pricing pricing/2025-10-01.yaml --format md
  llmcost pricing check --against litellm vendor/litellm/model_prices_and_context_window-2026-08-01.json --accepted pricing/litellm-accepted.yaml   # CI gate

Our models are looked up by id and aliases (also as gemini/<id>, openai/<id>, anthropic/<id>).
Compared: every price LiteLLM states (standard, cache, 1h write, long-context band, batch/flex/
priority) against our effective prices, plus context_window and cache.min_tokens (metadata,
listed separately, never failing). "differs" = both give a value; "only-theirs" = LiteLLM has a
price our table lacks. Fields only our table has are counted, not listed. Exit 1 only when a
price differs and no entry of --accepted covers it (format: docs/pricing-sources.md).`,
  );
  chk.action((file: string, o: { against: string; accepted?: string } & PricingFlags & Out) => {
    sourceOpt(o.against, '--against');
    const r = checkPricing(file, { ...tableChoice(o), accepted: o.accepted }, app);
    emit(app.io, renderWith(PRICING_CHECK_RENDERERS, r, o.format), o.out);
    if (r.failing > 0) app.exitCode = 1;
  });
  registerPricingCatalog(pricing, app);
  return pricing;
}
