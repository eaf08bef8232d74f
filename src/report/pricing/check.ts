// Renderers of `pricing check --against litellm` (the CheckResult model is computed in pricing/litellm.ts).
import type { CheckResult } from '../../pricing/litellm.js';
import { makeTable } from '../terminal.js';
import { mdEscape as esc, terminalText as L } from '../text.js';

type Disagreement = CheckResult['disagreements'][number];

function summary(r: CheckResult): string {
  const count = (f: (d: Disagreement) => boolean): number => r.disagreements.filter(f).length;
  const prices = count((d) => d.kind === 'differs' && d.category === 'price');
  const accepted = count((d) => d.accepted !== undefined);
  const metadata = count((d) => d.kind === 'differs' && d.category === 'metadata');
  const onlyTheirs = count((d) => d.kind === 'only-theirs');
  return `pricing ${r.pricing.version} vs ${r.against}: ${r.compared} models compared, ${prices} prices differ (${r.failing} not accepted${accepted ? `, ${accepted} accepted` : ''}), ${metadata} metadata values differ, ${onlyTheirs} prices only in LiteLLM, ${r.onlyOurs} fields only ours${r.notFound.length ? `; not in LiteLLM: ${r.notFound.join(', ')}` : ''}`;
}

/** Rows in the order a reviewer needs them: failing prices, accepted prices, metadata, LiteLLM-only. */
function ordered(r: CheckResult): Disagreement[] {
  const rank = (d: Disagreement): number =>
    d.kind === 'only-theirs' ? 3 : d.category === 'metadata' ? 2 : d.accepted !== undefined ? 1 : 0;
  return [...r.disagreements].sort((a, b) => rank(a) - rank(b));
}

function status(d: Disagreement): string {
  if (d.kind === 'only-theirs') return 'only-theirs';
  if (d.category === 'metadata') return 'metadata';
  return d.accepted !== undefined ? 'accepted' : 'differs';
}

export function renderCheckTable(r: CheckResult): string {
  const parts = [L(summary(r))];
  if (r.disagreements.length) {
    const t = makeTable(['model', 'LiteLLM key', 'field', 'ours', 'theirs', 'kind']);
    for (const d of ordered(r))
      t.push([d.model, d.key, d.field, d.ours ?? '-', d.theirs ?? '-', status(d)].map((c) => L(c)));
    parts.push(`USD per 1M tokens (tokens for context_window, min_tokens, threshold)\n${t.toString()}`);
  }
  for (const d of r.disagreements.filter((x) => x.accepted !== undefined))
    parts.push(L(`accepted: ${d.model} ${d.field}: ${d.accepted}`));
  for (const x of r.rounded)
    parts.push(`note: LiteLLM float needs > 12 decimals per 1M tokens, compared after rounding: ${L(x)}`);
  return parts.join('\n');
}

export function renderCheckMd(r: CheckResult): string {
  const lines = [
    `### Pricing ${esc(r.pricing.version)} vs LiteLLM (${esc(r.against)})`,
    '',
    esc(summary(r).replace(/^[^:]+: /, '')),
    '',
  ];
  if (r.disagreements.length) {
    lines.push('| model | LiteLLM key | field | ours | theirs | kind |', '|---|---|---|---:|---:|---|');
    for (const d of ordered(r))
      lines.push(
        `| ${esc(d.model)} | ${esc(d.key)} | ${esc(d.field)} | ${esc(d.ours ?? '-')} | ${esc(d.theirs ?? '-')} | ${status(d)} |`,
      );
  } else lines.push('No disagreements.');
  return lines.join('\n');
}

export const PRICING_CHECK_RENDERERS = {
  table: renderCheckTable,
  md: renderCheckMd,
  json: (r: CheckResult): string => JSON.stringify(r, null, 2),
};
