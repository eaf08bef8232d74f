// The package's public API: the same pipelines the CLI calls, and the renderers of their results.
// Every pipeline takes its options and an optional context ({ io, warn, version }): without one it
// reads files relative to process.cwd() and drops warnings (they are in the result's `warnings`).
//
//   import { simulate, render } from 'llmcost';
//   const report = await simulate({ scenario: 'scenarios/support-bot.yaml' });
//   console.log(render(report, 'md'));
//
// User mistakes throw a UserError whose `diagnostics` carry a stable code, a place and a hint.

export type { AdviseInput } from './app/advise.js';
export { advise } from './app/advise.js';
export type { AuditCacheInput } from './app/audit-cache.js';
export { auditCache } from './app/audit-cache.js';
export type { Context } from './app/context.js';
export { makeContext } from './app/context.js';
export type { DiffInput } from './app/diff.js';
export { diff } from './app/diff.js';
export type { DriftInput } from './app/drift.js';
export { drift } from './app/drift.js';
export type { EstimateInput } from './app/estimate.js';
export { estimate } from './app/estimate.js';
export type { FitInput, FitOutput } from './app/fit.js';
export { fitLog } from './app/fit.js';
export type { QuickStartInput } from './app/init.js';
export { initScenario, quickStartScenario } from './app/init.js';
export type { Io } from './app/io.js';
export type { ImportInput } from './app/pricing.js';
export type { ModelChoice, TableChoice } from './app/pricing-choice.js';
export {
  catalogPricing,
  checkPricing,
  diffPricing,
  importPricing,
  listPricing,
  showPricing,
  validatePricing,
} from './app/pricing.js';
export type { ReplayInput } from './app/replay.js';
export { replayLog } from './app/replay.js';
export { loadSavedReport } from './app/report.js';
export { jsonSchema } from './app/schema.js';
export type { SimulateInput } from './app/simulate.js';
export { simulate } from './app/simulate.js';
export type { SweepInput } from './app/sweep.js';
export { sweep } from './app/sweep.js';
export type { Diagnostic } from './diagnostics.js';
export { CODES, formatDiagnostic, UserError } from './diagnostics.js';
export type { Strategy, StrategyContext, StrategyRun } from './engine/strategy.js';
export type { PricingDiff } from './pricing/diff.js';
export type { CheckResult } from './pricing/litellm.js';
export type { AdviseReport } from './report/advise.js';
export { ADVISE_RENDERERS } from './report/advise.js';
export type { CacheAuditReport } from './report/cache-audit/model.js';
export { AUDIT_RENDERERS } from './report/cache-audit/render.js';
export type { DiffReport } from './report/diff/model.js';
export { DIFF_RENDERERS } from './report/diff/render.js';
export type { DriftReport } from './report/drift/model.js';
export { DRIFT_RENDERERS } from './report/drift/render.js';
export type { EstimateDoc } from './report/estimate.js';
export type { Fidelity, FidelityFigures } from './report/fit.js';
export { fidelityText } from './report/fit.js';
export { ESTIMATE_RENDERERS } from './report/estimate.js';
export type { Report } from './report/model.js';
export type { PricingCatalog } from './report/pricing/catalog.js';
export { PRICING_CATALOG_RENDERERS } from './report/pricing/catalog.js';
export { PRICING_CHECK_RENDERERS } from './report/pricing/check.js';
export { PRICING_DIFF_RENDERERS } from './report/pricing/diff.js';
export type { PricingList } from './report/pricing/list.js';
export { PRICING_LIST_RENDERERS } from './report/pricing/list.js';
export type { PricingShow } from './report/pricing/show.js';
export { PRICING_SHOW_RENDERERS } from './report/pricing/show.js';
export type { Format } from './report/formats.js';
export type { RenderOptions } from './report/terminal.js';
export { FORMATS, renderWith } from './report/formats.js';
export { render } from './report/render.js';
export type { SweepReport } from './report/sweep/model.js';
export { SWEEP_RENDERERS } from './report/sweep/render.js';
export type { SavedReport } from './report/saved.js';
export { renderSaved } from './report/saved.js';
