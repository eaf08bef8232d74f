// `llmcost pricing list|show|validate` (diff, import and check attach to the same command).
import { makeTable } from '../report/terminal.js';
import type { Command } from 'commander';
import { formatDiagnostic, UserError } from '../diagnostics.js';
import { parsePricingText, readText } from '../pricing/load.js';
import { formatPicoPerM } from '../pricing/money.js';
import { describeChannel, type ModelInfo, pricedByText, TOKEN_CLASSES } from '../pricing/pricebook.js';
import { int } from '../report/format.js';
import type { App } from './app.js';
import {
  addModelOptions,
  addOutputOptions,
  addPricingOptions,
  loadBook,
  loadPricing,
  type ModelFlags,
} from './common.js';
import { emit, resolvePath, type Format } from './io.js';
import { registerPricingExtra } from './pricing-extra.js';

const p = (x: bigint | undefined): string => (x === undefined ? '-' : formatPicoPerM(x));

export function modelRow(m: ModelInfo): Record<string, string | number | string[] | null> {
  const s = m.prices.standard!;
  return {
    model: m.id,
    provider: m.provider,
    input: p(s.base.input),
    output: p(s.base.output),
    cacheRead: m.cache ? p(s.base.cacheRead) : null,
    // an automatic cache's write premium (cache.write) is priced as the cacheWrite5m class
    cacheWrite5m: m.cache?.style === 'explicit' || m.cache?.hasWrite ? p(s.base.cacheWrite5m) : null,
    cacheWrite1h: m.cache?.style === 'explicit' && m.cache.has1h ? p(s.base.cacheWrite1h) : null,
    cacheStyle: m.cache?.style ?? null,
    cacheMinTokens: m.cache?.minTokens ?? null,
    batchInput: m.prices.batch ? p(m.prices.batch.base.input) : null,
    batchOutput: m.prices.batch ? p(m.prices.batch.base.output) : null,
    longContextThreshold: m.longContextThreshold ?? null,
    tiers: m.tiers,
    aliases: m.aliases,
    source: m.source,
    checked: m.checked,
  };
}

export function registerPricing(program: Command, app: App): Command {
  const pricing = program.command('pricing').description('inspect, validate, diff and import pricing tables');

  const list = pricing.command('list').description('list the models of the table in force (USD per 1M tokens)');
  addPricingOptions(list);
  addOutputOptions(list, ['table', 'json', 'md', 'csv']);
  list.addHelpText(
    'after',
    '\nExamples:\n  llmcost pricing list\n  llmcost pricing list --as-of 2024-12-15 --format md',
  );
  list.action((o: { pricing?: string; asOf?: string; format: Format; out?: string }) => {
    const format = o.format;
    const book = loadBook(app, o);
    const rows = [...book.models.values()]
      .sort((a, b) => (a.provider + a.id < b.provider + b.id ? -1 : 1))
      .map(modelRow);
    if (format === 'json')
      return emit(
        app.io,
        JSON.stringify({ pricing: { version: book.version, effective: book.effective }, models: rows }, null, 2),
        o.out,
      );
    const head = [
      'model',
      'provider',
      'input',
      'output',
      'cache read',
      'write 5m',
      'write 1h',
      'cache min',
      'batch in/out',
      'long ctx >',
    ];
    const cells = rows.map((r) =>
      [
        r.model,
        r.provider,
        r.input,
        r.output,
        r.cacheRead ?? '-',
        r.cacheWrite5m ?? '-',
        r.cacheWrite1h ?? '-',
        r.cacheMinTokens === null ? '-' : int(r.cacheMinTokens as number),
        r.batchInput ? `${r.batchInput}/${r.batchOutput}` : '-',
        r.longContextThreshold === null ? '-' : int(r.longContextThreshold as number),
      ].map(String),
    );
    const title = `pricing ${book.version} (effective ${book.effective}) · USD per 1M tokens · ${rows.length} models`;
    if (format === 'csv')
      return emit(
        app.io,
        [head, ...cells]
          .map((l) => l.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
          .join('\n'),
        o.out,
      );
    if (format === 'md')
      return emit(
        app.io,
        [
          `**${title}**`,
          '',
          `| ${head.join(' | ')} |`,
          `|${head.map(() => '---').join('|')}|`,
          ...cells.map((c) => `| ${c.join(' | ')} |`),
        ].join('\n'),
        o.out,
      );
    const t = makeTable(head);
    for (const c of cells) t.push(c);
    emit(app.io, `${title}\n${t.toString()}`, o.out);
  });

  const show = pricing
    .command('show')
    .argument('<model>', 'model id or alias')
    .description('every price of one model: tiers x bands x token classes, source and date');
  addPricingOptions(show);
  addModelOptions(show);
  addOutputOptions(show, ['table', 'json']);
  show.addHelpText(
    'after',
    '\nExamples:\n  llmcost pricing show claude-sonnet-4-5\n  llmcost pricing show gpt-4o --as-of 2024-12-15 --format json' +
      '\n  llmcost pricing show eu.anthropic.claude-sonnet-4-5-20250929-v1:0   # the Bedrock regional price' +
      '\n  llmcost pricing show groq/llama-3.3-70b-versatile                  # a catalog price',
  );
  show.action((name: string, o: { pricing?: string; asOf?: string; format: Format; out?: string } & ModelFlags) => {
    const format = o.format;
    const book = loadPricing(app, o, false);
    const m = book.resolve(name, 'model argument');
    const grid = m.tiers.flatMap((tier) =>
      (['base', 'long'] as const)
        .filter((b) => b === 'base' || m.longContextThreshold !== undefined)
        .map((band) => ({
          tier,
          band,
          ...Object.fromEntries(TOKEN_CLASSES.map((c) => [c, p(m.prices[tier]![band][c])])),
        })),
    );
    if (format === 'json')
      return emit(
        app.io,
        JSON.stringify(
          {
            pricing: { version: book.version },
            pricedBy: pricedByText(m),
            channel: m.channel ? describeChannel(m.channel) : null,
            ...modelRow(m),
            cache: m.cache
              ? {
                  ...m.cache,
                  storagePerHourPicoPerM: undefined,
                  storagePerHour:
                    m.cache.storagePerHourPicoPerM !== undefined ? p(m.cache.storagePerHourPicoPerM) : undefined,
                }
              : null,
            contextWindow: m.contextWindow ?? null,
            prices: grid,
          },
          null,
          2,
        ),
        o.out,
      );
    const t = makeTable(['tier', 'band', ...TOKEN_CLASSES]);
    for (const g of grid)
      t.push([
        g.tier,
        g.band === 'long' ? `> ${int(m.longContextThreshold!)}` : 'base',
        ...TOKEN_CLASSES.map((c) => (g as unknown as Record<string, string>)[c]!),
      ]);
    const lines = [
      `${m.id} (${m.provider})${m.channel ? ` · ${describeChannel(m.channel)}` : ''} · ${pricedByText(m)} · USD per 1M tokens`,
      m.pricedBy?.kind === 'catalog'
        ? `source: ${m.source} (LiteLLM's community price map of ${m.checked}; not checked against the vendor's page)`
        : `source: ${m.source} (checked ${m.checked})`,
      m.aliases.length ? `aliases: ${m.aliases.join(', ')}` : '',
      m.cache
        ? `cache: ${m.cache.style}, minimum ${int(m.cache.minTokens)} tokens${m.cache.style === 'automatic' ? `, increments of ${m.cache.increment}${m.cache.hasWrite ? ', writes billed at cacheWrite5m' : ''}${m.cache.retentionMs !== undefined ? `, retention ${m.cache.retentionMs / 60_000} min` : ''}` : `, 1h TTL ${m.cache.has1h ? 'available' : 'not available'}`}`
        : 'cache: none',
      m.contextWindow ? `context window: ${int(m.contextWindow)} tokens` : '',
      t.toString(),
    ].filter(Boolean);
    emit(app.io, lines.join('\n'), o.out);
  });

  const validate = pricing
    .command('validate')
    .argument('<file>', 'pricing table YAML')
    .description('check a pricing table: schema, unknown keys, inconsistent bands and caches');
  validate.addHelpText('after', '\nExample:\n  llmcost pricing validate pricing/2026-11-01.yaml');
  validate.action((file: string) => {
    const path = resolvePath(app.io, file);
    const r = parsePricingText(readText(path, 'pricing table'), file);
    for (const w of r.warnings) app.io.stderr.write(`${formatDiagnostic(w)}\n`);
    if (!r.book) throw new UserError(r.errors);
    app.io.stdout.write(
      `ok: ${file}: pricing ${r.book.version} (effective ${r.book.effective}), ${r.book.models.size} models\n`,
    );
  });
  registerPricingExtra(pricing, app);
  return pricing;
}
