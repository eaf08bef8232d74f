// The price in force per request: the dated tables in order, the one in force at a request's
// timestamp pricing it (period = its index). A model that table lacks is priced by the nearest
// table that has it (an earlier one for a model retired since, a later one for a model launched
// after the table's date), then by the bundled catalog. Deployment names (Azure) are rewritten to
// the model they serve first. Pinned (--pricing/--as-of): one table, then the catalog.
import { type Diagnostic, didYouMean, suggestionHint, userError } from '../diagnostics.js';
import { deploymentKey, deploymentTarget } from './channels.js';
import type { CatalogRef } from './catalog.js';
import { applyOverlays, type Overlay } from './overlay.js';
import {
  type Band,
  type BookData,
  type ModelInfo,
  type PriceBook,
  type Pricing,
  priceOf,
  type Tier,
  type TokenClass,
} from './pricebook.js';

const DAY_MS = 86_400_000;
/**
 * Timestamps before 2000 are not dates but offsets from a trace's start (Mooncake, Azure traces
 * without rebase_to): such requests are priced as of the newest table, like a synthetic profile.
 */
export const UNDATED_BEFORE_MS = Date.parse('2000-01-01T00:00:00Z');

/** A table known by its header (version, effective date, thresholds), parsed on first load(). */
export interface TableRef {
  file: string;
  version: string;
  effective: string;
  thresholds: number[];
  load(): { book: PriceBook; warnings: Diagnostic[] };
  /** the book itself, when the reference wraps one already built (refOf) */
  book?: PriceBook;
}

/** A schedule as plain data (it crosses to worker threads): built books as data, the others by their file. */
export interface ScheduleData {
  tables: ({ book: BookData } | { ref: Omit<TableRef, 'load' | 'book'> })[];
  catalogDir?: string;
  deployments?: Record<string, string>;
}

/** A parsed book as a table reference. */
export function refOf(book: PriceBook): TableRef {
  return {
    file: book.file,
    version: book.version,
    effective: book.effective,
    thresholds: book.thresholds(),
    load: () => ({ book, warnings: [] }),
    book,
  };
}

export interface ScheduleOptions {
  /** the bundled catalog (undefined: none, e.g. --no-catalog) */
  catalog?: CatalogRef;
  /** deployment name -> model id (any id form: gpt-4o, azure/eu/gpt-4o, us.anthropic....) */
  deployments?: Record<string, string>;
  /** told of a table's warnings when it is first parsed (tables load lazily) */
  warn?: (d: Diagnostic) => void;
  /** price overlays applied to every model looked up (negotiated discounts, channel uplifts) */
  overlays?: Overlay[];
}

export class PriceSchedule implements Pricing {
  readonly version: string;
  readonly effective: string;
  /** the tables in date order, each parsed on first use */
  private readonly refs: TableRef[];
  private readonly loaded: (PriceBook | undefined)[];
  private readonly options: ScheduleOptions;
  private readonly catalog: CatalogRef | undefined;
  private readonly deployments: Map<string, string>;
  /** start of each period (UTC ms of the table's effective date); period 0 also covers earlier times */
  private readonly starts: number[];
  /** memo per period: raw name -> model or null */
  private readonly memo: Map<string, ModelInfo | null>[];
  // the last period found: consecutive requests are mostly in the same one
  private lastLo = Number.POSITIVE_INFINITY;
  private lastHi = Number.NEGATIVE_INFINITY;
  private lastPeriod = 0;

  constructor(tables: (PriceBook | TableRef)[], options: ScheduleOptions = {}) {
    if (!tables.length) throw new Error('internal: a price schedule needs a table');
    this.refs = tables
      .map((t) => ('load' in t ? t : refOf(t)))
      .sort((a, b) => (a.effective < b.effective ? -1 : a.effective > b.effective ? 1 : 0));
    this.loaded = this.refs.map(() => undefined);
    this.options = options;
    const newest = this.refs[this.refs.length - 1]!;
    this.version = newest.version;
    this.effective = newest.effective;
    this.catalog = options.catalog;
    this.deployments = new Map(
      Object.entries(options.deployments ?? {}).map(([k, v]) => [
        deploymentKey(k.trim().toLowerCase()),
        deploymentTarget(v),
      ]),
    );
    this.starts = this.refs.map((b) => Date.parse(`${b.effective}T00:00:00Z`));
    this.memo = this.refs.map(() => new Map());
  }

  /** the labels of the overlays on this pricing, in order (the report header shows them) */
  get overlayLabels(): string[] {
    return (this.options.overlays ?? []).map((o) => o.label);
  }

  /** One table in force for every request. */
  get pinned(): boolean {
    return this.refs.length === 1;
  }

  /** The table of a period, parsed on first use. */
  book(period: number): PriceBook {
    let b = this.loaded[period];
    if (!b) {
      const ref = this.refs[period]!;
      const { book, warnings } = ref.load();
      // the ledger was bucketed by the thresholds read from the header: they must be all of them
      for (const t of book.thresholds())
        if (!ref.thresholds.includes(t))
          throw new Error(`internal: ${ref.file}: threshold ${t} missed by the header scan`);
      for (const w of warnings) this.options.warn?.(w);
      this.loaded[period] = b = book;
    }
    return b;
  }

  get hasCatalog(): boolean {
    return this.catalog !== undefined;
  }

  periodOf(atMs: number): number {
    if (atMs >= this.lastLo && atMs < this.lastHi) return this.lastPeriod;
    if (atMs < UNDATED_BEFORE_MS) return this.refs.length - 1;
    let p = 0;
    while (p + 1 < this.starts.length && this.starts[p + 1]! <= atMs) p++;
    this.lastPeriod = p;
    this.lastLo = p === 0 ? UNDATED_BEFORE_MS : this.starts[p]!;
    this.lastHi = p + 1 < this.starts.length ? this.starts[p + 1]! : Number.POSITIVE_INFINITY;
    return p;
  }

  /** The period of a date (YYYY-MM-DD), e.g. a profile's start. */
  periodOfDate(date: string): number {
    return this.periodOf(Date.parse(`${date}T00:00:00Z`) + DAY_MS / 2);
  }

  tables(): { version: string; effective: string }[] {
    return this.refs.map((b) => ({ version: b.version, effective: b.effective }));
  }

  /** Periods in the order they are asked for a model in period p: in force, earlier ones, later ones. */
  private order(p: number): number[] {
    const out = [p];
    for (let i = p - 1; i >= 0; i--) out.push(i);
    for (let i = p + 1; i < this.refs.length; i++) out.push(i);
    return out;
  }

  lookup(name: string, period = this.refs.length - 1): ModelInfo | undefined {
    const memo = this.memo[period]!;
    const key = name.trim().toLowerCase();
    const known = memo.get(key);
    if (known !== undefined) return known ?? undefined;
    const target = this.deployments.get(deploymentKey(key)) ?? key;
    let m: ModelInfo | undefined;
    for (const p of this.order(period)) {
      m = this.book(p).tryResolve(target);
      if (m) break;
    }
    m ??= this.catalog?.get().lookup(target);
    if (m && this.options.overlays?.length) m = applyOverlays(m, this.options.overlays);
    memo.set(key, m ?? null);
    return m;
  }

  resolve(name: string, where?: string, period?: number): ModelInfo {
    const m = this.lookup(name, period);
    if (m) return m;
    throw userError('UNKNOWN_MODEL', `model '${name}' is not in ${this.describe()}`, {
      where: where ?? name,
      hint: this.unknownHint(name),
    });
  }

  /** "pricing tables 2024-12-01 … 2026-11-18 or the catalog litellm-2026-08-01" */
  describe(): string {
    const first = this.refs[0]!;
    const tables = this.pinned
      ? `pricing table ${first.version} (${first.file})`
      : `pricing tables ${first.version} … ${this.version}`;
    return this.catalog ? `${tables} or the catalog litellm-${this.catalog.manifest.version}` : tables;
  }

  /** did-you-mean over the tables (and the catalog), or the hosts that price an ambiguous bare name. */
  unknownHint(name: string): string {
    const key = name.trim().toLowerCase();
    const catalog = this.catalog?.get();
    const hosts = catalog?.hostsOf(key) ?? [];
    if (hosts.length)
      return `several hosts price '${name}' (${hosts.slice(0, 6).join(', ')}${hosts.length > 6 ? ', …' : ''}): log the host-prefixed name, or map it with --deployment ${name}=HOST/MODEL`;
    const azure = key.startsWith('azure/')
      ? ` An Azure deployment named otherwise than its model needs --deployment ${key.slice(6)}=MODEL.`
      : '';
    return `${suggestionHint(name, this.allNames(), '`llmcost pricing list` shows the curated models, `llmcost pricing catalog --search TEXT` the catalog')}${azure}`;
  }

  /** Near names for a row's reject message (tables first: a checked price is the better guess). */
  nearNames(name: string): string[] {
    const tables = didYouMean(name, this.tableNames());
    if (tables.length || !this.catalog) return tables;
    const catalog = this.catalog.get();
    return catalog.hostsOf(name).slice(0, 3).concat(didYouMean(name, catalog.names()));
  }

  private tableNames(): string[] {
    return this.refs.flatMap((_, p) => this.book(p).allNames());
  }

  allNames(): string[] {
    const names = new Set(this.tableNames());
    if (this.catalog) for (const n of this.catalog.get().names()) names.add(n);
    return [...names];
  }

  thresholds(): number[] {
    const all = new Set(this.refs.flatMap((b) => b.thresholds));
    for (const t of this.catalog?.manifest.thresholds ?? []) all.add(t);
    return [...all].sort((a, b) => a - b);
  }

  price(m: ModelInfo, tier: Tier, band: Band, cls: TokenClass): bigint {
    return priceOf(m, tier, band, cls);
  }

  /**
   * The schedule as plain data: books already built (parsed, or with synthetic models) as data,
   * tables not parsed yet by their file (a worker parses them when it needs them).
   */
  toData(): ScheduleData {
    return {
      tables: this.refs.map((r, p) => {
        const b = r.book ?? this.loaded[p];
        return b
          ? { book: b.toData() }
          : { ref: { file: r.file, version: r.version, effective: r.effective, thresholds: r.thresholds } };
      }),
      ...(this.catalog ? { catalogDir: this.catalog.dir } : {}),
      ...(this.options.deployments ? { deployments: this.options.deployments } : {}),
    };
  }

  /** The same catalog and deployments with one table in force for every request. */
  pinnedTo(period: number): PriceSchedule {
    return new PriceSchedule([this.refs[period]!], this.options);
  }

  /** A copy with extra (synthetic) models in every table, e.g. a self-hosted route. */
  withModels(extra: ModelInfo[]): PriceSchedule {
    return new PriceSchedule(
      this.refs.map((_, p) => this.book(p).withModels(extra)),
      this.options,
    );
  }
}
