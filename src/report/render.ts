// Renderers are a map from format name to a pure function of the report model (knip style).
// They never compute: a number that is not in the Report belongs in report/model.ts.
import type { Format } from '../cli/io.js';
import type { Report } from './model.js';
import { pct, usd, usdDelta } from './format.js';
import { makeTable } from './terminal.js';

export interface RenderOptions {
  color: boolean;
  /** terminal width, for bars */
  width?: number;
}

export type Renderer = (r: Report, o: RenderOptions) => string;

function json(r: Report): string {
  return JSON.stringify(r, null, 2);
}

function table(r: Report): string {
  const t = makeTable(['step', 'cost', 'saving', 'saving %']);
  t.push(['baseline', usd(r.baseline.cost), '', '']);
  for (const s of r.steps) t.push([s.label, usd(s.cost), usdDelta(s.saving), pct(s.savingPct)]);
  t.push(['final', usd(r.final.cost), usdDelta(r.final.saving), pct(r.final.savingPct)]);
  return `${r.scenario} · pricing ${r.pricing.version} · ${r.requests} requests\n${t.toString()}`;
}

export const RENDERERS: Partial<Record<Format, Renderer>> = { json, table };

export function render(r: Report, format: Format, o: RenderOptions): string {
  const fn = RENDERERS[format];
  if (!fn) throw new Error(`internal: no renderer for ${format}`);
  return fn(r, o);
}
