// Renderers are a map from format name to a pure function of the report model (knip style).
// They never compute: a number that is not in the Report belongs in report/model.ts (chartOf).
import { type Report, type ReportChart, withChart } from './model.js';
import { renderCsv } from './renderers/csv.js';
import { renderHtml } from './renderers/html.js';
import { renderJson } from './renderers/json.js';
import { renderMarkdown } from './renderers/markdown.js';
import { renderTable } from './renderers/table.js';

/** Every output format a command may offer; each command lists the ones it renders. */
export const FORMATS = ['table', 'json', 'md', 'csv', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  /** terminal width, for bars */
  width?: number;
}

export type Renderer = (r: Report & { chart: ReportChart }, o: RenderOptions) => string;

export const RENDERERS: Record<Format, Renderer> = {
  table: renderTable,
  json: renderJson,
  md: renderMarkdown,
  csv: renderCsv,
  html: renderHtml,
};

/** Render a report; its presentation figures are recomputed first, so every format agrees. */
export function render(r: Report, format: Format, o: RenderOptions): string {
  const fn = RENDERERS[format];
  if (!fn) throw new Error(`internal: no renderer for ${format}`);
  return fn(withChart(r), o);
}
