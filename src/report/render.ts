// Renderers are a map from format name to a pure function of the report model (knip style).
// They never compute: a number that is not in the Report belongs in report/model.ts (chartOf).
import { type Report, type ReportChart, withChart } from './model.js';
import type { RenderOptions } from './terminal.js';
import { renderCsv } from './renderers/csv.js';
import { renderHtml } from './renderers/html.js';
import { renderJson } from './renderers/json.js';
import { renderMarkdown } from './renderers/markdown.js';
import { renderTable } from './renderers/table.js';

/** Every output format a command may offer; each command lists the ones it renders. */
export const FORMATS = ['table', 'json', 'md', 'csv', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** The renderers of one output kind: format -> pure function of its model (and render options). */
// biome-ignore lint/suspicious/noExplicitAny: each output kind has its own option type
export type RendererMap<M> = Partial<Record<Format, (model: M, o: any) => string>>;

/** The formats a renderer map offers, in its order (for --format and --help). */
export function formatsOf(map: RendererMap<never>): Format[] {
  return Object.keys(map) as Format[];
}

/** Render `model` with its map; a format the map lacks is a bug (the CLI offers only the map's keys). */
export function renderWith<M, O>(map: RendererMap<M>, model: M, format: Format, o?: O): string {
  const fn = map[format];
  if (!fn) throw new Error(`internal: no ${format} renderer for this output`);
  return fn(model, o);
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
export function render(r: Report, format: Format, o: RenderOptions = { color: false }): string {
  const fn = RENDERERS[format];
  if (!fn) throw new Error(`internal: no renderer for ${format}`);
  return fn(withChart(r), o);
}
