// The output formats and the renderer maps' helpers, apart from render.ts (which loads every
// renderer of the simulate report, chalk among them): a command lists and picks its formats here.

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
