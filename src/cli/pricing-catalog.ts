// `llmcost pricing catalog`: what the bundled catalog is (source, date, size, licence), the
// entries it left out or corrected, and a search over its model ids with their prices.
import type { Command } from 'commander';
import { userError } from '../diagnostics.js';
import { bundledCatalog } from '../pricing/catalog.js';
import { formatPicoPerM } from '../pricing/money.js';
import { int } from '../report/format.js';
import { makeTable } from '../report/terminal.js';
import type { App } from './app.js';
import { addOutputOptions } from './common.js';
import { emit } from './io.js';
import { type Format } from '../report/render.js';

export function registerPricingCatalog(pricing: Command, app: App): void {
  const cmd = pricing
    .command('catalog')
    .description('the bundled LiteLLM catalog that prices models the curated tables lack: source, size, search')
    .option('--search <text>', 'list catalog models whose id contains every word, with their prices')
    .option('--skipped', 'list the LiteLLM entries left out (with the reason) and those corrected');
  addOutputOptions(cmd, ['table', 'json']);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost pricing catalog
  llmcost pricing catalog --search "llama 3.3 70b"
  llmcost pricing catalog --skipped --format json

Curated tables always win; a model priced from the catalog is counted as such in every report.
Rebuild it from a newer LiteLLM copy with \`npm run catalog\` (docs/pricing-sources.md, "The catalog").`,
  );
  cmd.action((o: { search?: string; skipped?: boolean; format: Format; out?: string }) => {
    const ref = bundledCatalog();
    if (!ref) throw userError('FILE_NOT_FOUND', 'no bundled catalog', { hint: 'rebuild it with `npm run catalog`' });
    const c = ref.get();
    const info = c.info;
    const p = (x: bigint | undefined): string => (x === undefined ? '-' : formatPicoPerM(x));
    const found = o.search !== undefined ? c.search(o.search) : [];
    const models = found.map((k) => {
      const m = c.lookup(k)!;
      const s = m.prices.standard!.base;
      return {
        model: k,
        provider: m.provider,
        input: p(s.input),
        output: p(s.output),
        cacheRead: m.cache ? p(s.cacheRead) : null,
      };
    });
    const doc = {
      catalog: {
        version: info.version,
        source: info.source,
        notice: info.notice,
        models: c.size,
        providers: info.providers.length,
      },
      ...(o.search !== undefined ? { search: o.search, matches: models } : {}),
      ...(o.skipped
        ? { skipped: info.skipped, corrected: info.corrected }
        : { skippedCount: info.skipped.length, correctedCount: info.corrected.length }),
    };
    if (o.format === 'json') return emit(app.io, JSON.stringify(doc, null, 2), o.out);
    const lines = [
      `catalog litellm-${info.version}: ${int(c.size)} models from ${info.providers.length} providers (community prices, not vendor-checked)`,
      `source: ${info.source}`,
      info.notice,
      `${int(info.skipped.length)} LiteLLM entries left out, ${int(info.corrected.length)} corrected${o.skipped ? ':' : ' (--skipped lists them)'}`,
    ];
    if (o.skipped) {
      for (const s of info.skipped) lines.push(`  skipped ${s.key}: ${s.reason}`);
      for (const s of info.corrected) lines.push(`  corrected ${s.key}: ${s.reason}`);
    }
    if (o.search !== undefined) {
      lines.push(
        `${int(models.length)} match${models.length === 1 ? '' : 'es'} for '${o.search}' (USD per 1M tokens):`,
      );
      const t = makeTable(['model', 'provider', 'input', 'output', 'cache read']);
      for (const m of models) t.push([m.model, m.provider, m.input, m.output, m.cacheRead ?? '-']);
      if (models.length) lines.push(t.toString());
    }
    emit(app.io, lines.join('\n'), o.out);
  });
}
