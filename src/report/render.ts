// Renderers are a map from format name to a pure function of the report model (knip style).
// They never compute: a number that is not in the Report belongs in report/model.ts (chartOf).
import type { Format } from './formats.js';
import { type Report, type ReportChart, withChart } from './model.js';
import type { RenderOptions } from './terminal.js';
import { renderCsv } from './renderers/csv.js';
import { renderHtml } from './renderers/html.js';
import { renderJson } from './renderers/json.js';
import { renderMarkdown } from './renderers/markdown.js';
import { renderTable } from './renderers/table.js';

export type Renderer = (r: Report & { chart: ReportChart }, o: RenderOptions) => string;

export const RENDERERS: Record<Format, Renderer> = {
  table: renderTable,
  json: renderJson,
  md: renderMarkdown,
  csv: renderCsv,
  html: renderHtml,
};

/** Render a report; its presentation figures are recomputed first, so every format agrees. */
export function render(r: Report, format: Format, o: RenderOptions = { color: false }): string {
  const fn = RENDERERS[format];
  if (!fn) throw new Error(`internal: no renderer for ${format}`);
  return fn(withChart(r), o);
}
