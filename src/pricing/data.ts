// Pricing as plain data, to cross to a worker thread and back. A thread that only reads a log
// (the byte ranges of a parallel read) rebuilds it with pricingIn, which builds bundled tables from
// their compiled form and loads the table parser (yaml, zod: ~100 ms of a thread's start) only for a
// table that has none. load.ts's pricingFromData does the same synchronously, parser loaded.
import { type BookData, PriceBook, type Pricing } from './pricebook.js';
import { PriceSchedule, type ScheduleData } from './schedule.js';
import { bundledCatalog } from './catalog.js';
import { compiledBook, type LoadedTable } from './tables.js';

/** What prices a run, as plain data (it crosses to worker threads). */
export type PricingData = { book: BookData } | { schedule: ScheduleData };

export function pricingData(p: Pricing): PricingData {
  if (p instanceof PriceBook) return { book: p.toData() };
  if (p instanceof PriceSchedule) return { schedule: p.toData() };
  throw new Error('internal: this pricing cannot cross to a worker thread');
}

/** The pricing again from its data; `load` parses a table not built yet, on first use. */
export function pricingWith(d: PricingData, load: (file: string) => LoadedTable): PriceBook | PriceSchedule {
  if ('book' in d) return PriceBook.fromData(d.book);
  const s = d.schedule;
  const catalog = s.catalogDir !== undefined ? bundledCatalog(s.catalogDir) : undefined;
  return new PriceSchedule(
    s.tables.map((t) => ('book' in t ? PriceBook.fromData(t.book) : { ...t.ref, load: () => load(t.ref.file) })),
    { ...(catalog ? { catalog } : {}), ...(s.deployments ? { deployments: s.deployments } : {}) },
  );
}

/** The pricing again from its data, in a thread that may not have the table parser loaded (see above). */
export async function pricingIn(d: PricingData): Promise<PriceBook | PriceSchedule> {
  if ('book' in d) return PriceBook.fromData(d.book);
  const compiled = new Map<string, LoadedTable>();
  let parse: ((file: string) => LoadedTable) | undefined;
  for (const t of d.schedule.tables) {
    if ('book' in t) continue;
    const c = compiledBook(t.ref.file);
    if (c) compiled.set(t.ref.file, c);
    else parse ??= (await import('./load.js')).loadPricingFile;
  }
  return pricingWith(d, (file) => compiled.get(file) ?? parse!(file));
}
