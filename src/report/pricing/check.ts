// Renderers of `pricing check --against litellm` (the CheckResult model is computed in pricing/litellm.ts).
import type { CheckResult } from '../../pricing/litellm.js';
import { makeTable } from '../terminal.js';
import { mdEscape as esc, terminalText as L } from '../text.js';

function summary(r: CheckResult): string {
  const differs = r.disagreements.filter((d) => d.kind === 'differs').length;
  return `pricing ${r.pricing.version} vs ${r.against}: ${r.compared} models compared, ${differs} values differ, ${r.disagreements.length - differs} prices only in LiteLLM, ${r.onlyOurs} fields only ours${r.notFound.length ? `; not in LiteLLM: ${r.notFound.join(', ')}` : ''}`;
}

export function renderCheckTable(r: CheckResult): string {
  const parts = [L(summary(r))];
  if (r.disagreements.length) {
    const t = makeTable(['model', 'LiteLLM key', 'field', 'ours', 'theirs', 'kind']);
    for (const d of r.disagreements)
      t.push([d.model, d.key, d.field, d.ours ?? '-', d.theirs ?? '-', d.kind].map((c) => L(c)));
    parts.push(`USD per 1M tokens (tokens for context_window, min_tokens, threshold)\n${t.toString()}`);
  }
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
    for (const d of r.disagreements)
      lines.push(
        `| ${esc(d.model)} | ${esc(d.key)} | ${esc(d.field)} | ${esc(d.ours ?? '-')} | ${esc(d.theirs ?? '-')} | ${d.kind} |`,
      );
  } else lines.push('No disagreements.');
  return lines.join('\n');
}

export const PRICING_CHECK_RENDERERS = {
  table: renderCheckTable,
  md: renderCheckMd,
  json: (r: CheckResult): string => JSON.stringify(r, null, 2),
};
