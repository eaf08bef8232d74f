// Renderers of `pricing diff` (the PricingDiff model is computed in pricing/diff.ts).
import type { PricingDiff } from '../../pricing/diff.js';
import { signedPct } from '../format.js';
import { makeTable } from '../terminal.js';
import { mdCode, mdEscape as esc, terminalText as L } from '../text.js';

const show = (s: string | null): string => (s === null ? '-' : s);
const pctText = (p: number | null): string => (p === null ? '' : signedPct(p, 2));
const row = (cells: string[]): string[] => cells.map((c) => L(c));

function headline(d: PricingDiff): string {
  return `pricing ${L(d.old.version)} -> ${L(d.new.version)}: ${d.added.length} added, ${d.removed.length} removed, ${d.renamed.length} renamed, ${d.changed.length} changed, ${d.unchanged} unchanged · ${d.summary.up} prices up, ${d.summary.down} down`;
}

export function renderDiffTable(d: PricingDiff): string {
  const parts = [headline(d)];
  if (d.added.length) {
    const t = makeTable(['added model', 'provider', 'input', 'output']);
    for (const m of d.added) t.push(row([m.model, m.provider, m.input, m.output]));
    parts.push(t.toString());
  }
  if (d.removed.length) {
    const t = makeTable(['removed model', 'provider', 'input', 'output']);
    for (const m of d.removed) t.push(row([m.model, m.provider, m.input, m.output]));
    parts.push(t.toString());
  }
  if (d.renamed.length) parts.push(d.renamed.map((r) => `renamed: ${L(r.from)} -> ${L(r.to)}`).join('\n'));
  if (d.changed.length) {
    const t = makeTable(['model', 'field', 'old', 'new', 'change']);
    for (const m of d.changed)
      for (const c of m.changes) t.push(row([m.model, c.field, show(c.old), show(c.new), pctText(c.pct)]));
    parts.push(`USD per 1M tokens\n${t.toString()}`);
  }
  if (!d.added.length && !d.removed.length && !d.changed.length) parts.push('no differences');
  return parts.join('\n');
}

export function renderDiffMd(d: PricingDiff): string {
  const lines = [
    `### Pricing ${esc(d.old.version)} → ${esc(d.new.version)}`,
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
      ...d.added.map((m) => `| ${esc(m.model)} | ${esc(m.provider)} | $${esc(m.input)} | $${esc(m.output)} |`),
      '',
    );
  if (d.removed.length)
    lines.push(
      '**Removed**',
      '',
      '| model | provider | input | output |',
      '|---|---|---:|---:|',
      ...d.removed.map((m) => `| ${esc(m.model)} | ${esc(m.provider)} | $${esc(m.input)} | $${esc(m.output)} |`),
      '',
    );
  if (d.renamed.length)
    lines.push('**Renamed**', '', ...d.renamed.map((r) => `- ${mdCode(r.from)} → ${mdCode(r.to)}`), '');
  if (d.changed.length) {
    lines.push(
      '**Changed** (USD per 1M tokens)',
      '',
      '| model | field | old | new | change |',
      '|---|---|---:|---:|---:|',
    );
    for (const m of d.changed)
      for (const c of m.changes)
        lines.push(
          `| ${esc(m.model)} | ${esc(c.field)} | ${esc(show(c.old))} | ${esc(show(c.new))} | ${pctText(c.pct)} |`,
        );
  }
  if (!d.added.length && !d.removed.length && !d.changed.length) lines.push('No differences.');
  return lines.join('\n').trimEnd();
}

export const PRICING_DIFF_RENDERERS = {
  table: renderDiffTable,
  md: renderDiffMd,
  json: (d: PricingDiff): string => JSON.stringify(d, null, 2),
};
