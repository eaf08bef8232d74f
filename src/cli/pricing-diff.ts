// `llmcost pricing diff OLD NEW`: what changed between two pricing tables.
import type { Command } from 'commander';
import { diffBooks } from '../pricing/diff.js';
import { renderDiffMd, renderDiffTable } from '../report/pricing/diff.js';
import type { App } from './app.js';
import { addOutputOptions } from './common.js';
import { emit } from './io.js';
import type { Format } from '../report/render.js';
import { loadTableArg } from './pricing-arg.js';

const FORMATS = ['table', 'md', 'json'] as const;

export function registerPricingDiff(pricing: Command, app: App): void {
  const cmd = pricing
    .command('diff')
    .argument('<old>', 'old table: a YAML file, or the version of a bundled table (e.g. 2024-12-01)')
    .argument('<new>', 'new table: a YAML file, or the version of a bundled table')
    .description('models added/removed/renamed and every price that changed, with % change');
  addOutputOptions(cmd, FORMATS);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost pricing diff 2024-12-01 2026-11-01
  llmcost pricing diff pricing/2026-11-01.yaml my-new-table.yaml --format md > diff.md

Prices are compared exactly per service tier x band (base / long_context) x token class, after
the table's own rules (a batch discount, cache prices scaled into the long band), plus cache
style/min_tokens/increment, long-context threshold, context window and aliases. A model whose old
id is an alias in the new table (or the reverse) is reported as renamed, not removed + added.`,
  );
  cmd.action((oldArg: string, newArg: string, o: { format: Format; out?: string }) => {
    const format = o.format;
    const a = loadTableArg(app, oldArg, 'OLD argument');
    const b = loadTableArg(app, newArg, 'NEW argument');
    const d = diffBooks(a, b);
    emit(
      app.io,
      format === 'json' ? JSON.stringify(d, null, 2) : format === 'md' ? renderDiffMd(d) : renderDiffTable(d),
      o.out,
    );
  });
}
