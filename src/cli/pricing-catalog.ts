// `llmcost pricing catalog`: what the bundled catalog is (source, date, size, licence), the
// entries it left out or corrected, and a search over its model ids with their prices.
import type { Command } from 'commander';
import { catalogPricing } from '../app/pricing.js';
import { PRICING_CATALOG_RENDERERS } from '../report/pricing/catalog.js';
import { type Format, formatsOf, renderWith } from '../report/formats.js';
import type { App } from './app.js';
import { addOutputOptions } from './common.js';
import { emit } from './io.js';

export function registerPricingCatalog(pricing: Command, app: App): void {
  const cmd = pricing
    .command('catalog')
    .description('the bundled LiteLLM catalog that prices models the curated tables lack: source, size, search')
    .option('--search <text>', 'list catalog models whose id contains every word, with their prices')
    .option('--skipped', 'list the LiteLLM entries left out (with the reason) and those corrected');
  addOutputOptions(cmd, formatsOf(PRICING_CATALOG_RENDERERS));
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
    const model = catalogPricing({ search: o.search, skipped: o.skipped });
    emit(app.io, renderWith(PRICING_CATALOG_RENDERERS, model, o.format), o.out);
  });
}
