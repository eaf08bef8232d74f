// The `pricing` subcommands that compare tables with each other or with LiteLLM's price file.
import type { Command } from 'commander';
import type { App } from './app.js';
import { registerPricingCatalog } from './pricing-catalog.js';
import { registerPricingDiff } from './pricing-diff.js';
import { registerPricingLiteLLM } from './pricing-litellm.js';

export function registerPricingExtra(pricing: Command, app: App): void {
  registerPricingDiff(pricing, app);
  registerPricingLiteLLM(pricing, app);
  registerPricingCatalog(pricing, app);
}
