// `llmcost pricing diff OLD NEW`: what changed between two pricing tables.
import type { Command } from 'commander';
import { diffBooks, type PricingDiff } from '../pricing/diff.js';
import { makeTable } from '../report/terminal.js';
import type { App } from './app.js';
import { addOutputOptions } from './common.js';
import { emit, type Format } from './io.js';
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
  llmcost pricing diff pricing/2025-10-01.yaml pricing/2026-11-01.yaml --format md > diff.md

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

const show = (s: string | null): string => (s === null ? '-' : s);
const pctText = (p: number | null): string => (p === null ? '' : `${p > 0 ? '+' : ''}${p.toFixed(2)}%`);

function headline(d: PricingDiff): string {
  return `pricing ${d.old.version} -> ${d.new.version}: ${d.added.length} added, ${d.removed.length} removed, ${d.renamed.length} renamed, ${d.changed.length} changed, ${d.unchanged} unchanged · ${d.summary.up} prices up, ${d.summary.down} down`;
}

export function renderDiffTable(d: PricingDiff): string {
  const parts = [headline(d)];
  if (d.added.length) {
    const t = makeTable(['added model', 'provider', 'input', 'output']);
    for (const m of d.added) t.push([m.model, m.provider, m.input, m.output]);
    parts.push(t.toString());
  }
  if (d.removed.length) {
    const t = makeTable(['removed model', 'provider', 'input', 'output']);
    for (const m of d.removed) t.push([m.model, m.provider, m.input, m.output]);
    parts.push(t.toString());
  }
  if (d.renamed.length) parts.push(d.renamed.map((r) => `renamed: ${r.from} -> ${r.to}`).join('\n'));
  if (d.changed.length) {
    const t = makeTable(['model', 'field', 'old', 'new', 'change']);
    for (const m of d.changed)
      for (const c of m.changes) t.push([m.model, c.field, show(c.old), show(c.new), pctText(c.pct)]);
    parts.push(`USD per 1M tokens\n${t.toString()}`);
  }
  if (!d.added.length && !d.removed.length && !d.changed.length) parts.push('no differences');
  return parts.join('\n');
}

export function renderDiffMd(d: PricingDiff): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `### Pricing ${d.old.version} → ${d.new.version}`,
    '',
    headline(d).replace(/^pricing \S+ -> \S+: /, ''),
    '',
  ];
  if (d.added.length)
    lines.push(
      '**Added**',
      '',
      '| model | provider | input | output |',
      '|---|---|---:|---:|',
      ...d.added.map((m) => `| ${esc(m.model)} | ${m.provider} | $${m.input} | $${m.output} |`),
      '',
    );
  if (d.removed.length)
    lines.push(
      '**Removed**',
      '',
      '| model | provider | input | output |',
      '|---|---|---:|---:|',
      ...d.removed.map((m) => `| ${esc(m.model)} | ${m.provider} | $${m.input} | $${m.output} |`),
      '',
    );
  if (d.renamed.length) lines.push('**Renamed**', '', ...d.renamed.map((r) => `- \`${r.from}\` → \`${r.to}\``), '');
  if (d.changed.length) {
    lines.push(
      '**Changed** (USD per 1M tokens)',
      '',
      '| model | field | old | new | change |',
      '|---|---|---:|---:|---:|',
    );
    for (const m of d.changed)
      for (const c of m.changes)
        lines.push(`| ${esc(m.model)} | ${c.field} | ${esc(show(c.old))} | ${esc(show(c.new))} | ${pctText(c.pct)} |`);
  }
  if (!d.added.length && !d.removed.length && !d.changed.length) lines.push('No differences.');
  return lines.join('\n').trimEnd();
}
