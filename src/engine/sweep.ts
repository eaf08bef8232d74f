// The what-if grid behind `llmcost sweep`, as pure functions over plain data (no files, no
// process): address a value in the raw scenario data by a dotted path, expand the cartesian
// product of --set assignments, and pick the cheapest configuration that passes its checks.
import { didYouMean, userError } from '../diagnostics.js';

export type PathSeg = string | number;

/** One `--set path=v1,v2,...` flag: where it points and the values it takes, in the given order. */
export interface SweepAxis {
  /** the flag as the user wrote it, for messages: `--set strategies.prompt-cache.ttl=5m,1h` */
  flag: string;
  /** the path as written: `strategies.prompt-cache.ttl` */
  path: string;
  /** the path resolved against the scenario: ['strategies', 1, 'ttl'] */
  resolved: PathSeg[];
  /** each value as written (shown in reports) and parsed (a YAML scalar) */
  values: { text: string; value: unknown }[];
}

/** One configuration of the grid: one value per axis, in axis order. */
export interface SweepPoint {
  /** 0-based position in the grid (the first axis varies slowest) */
  index: number;
  assignments: { axis: number; path: string; resolved: PathSeg[]; text: string; value: unknown }[];
}

/** `a.b[2].c` / `a.b.2.c` / `strategies.prompt-cache.ttl` -> segments (a bare number is an index). */
export function splitPath(path: string, flag: string): PathSeg[] {
  const segs: PathSeg[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m || (m[1] === '' && m[2] === '')) {
      throw userError('USAGE', `path '${path}' has an empty or malformed segment '${part}'`, {
        where: flag,
        hint: 'write the path with dots and optional [index]: traffic.profile.requests_per_day, strategies[1].ttl or strategies.prompt-cache.ttl',
      });
    }
    if (m[1] !== '') segs.push(/^\d+$/.test(m[1]!) ? Number(m[1]) : m[1]!);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) segs.push(Number(idx[1]));
  }
  return segs;
}

/** `strategies[1].ttl` style display of resolved segments. */
export function showPath(segs: readonly PathSeg[]): string {
  return segs.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') || '(top level)';
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Names an item of a list answers to: its `label`, `use` (strategies) or `name` (segments, tenants). */
function itemNames(item: unknown): string[] {
  if (!isMap(item)) return [];
  return ['label', 'use', 'name'].map((k) => item[k]).filter((v): v is string => typeof v === 'string');
}

/**
 * Resolve a path against the raw scenario data. List items may be addressed by index or by name
 * (a strategy's label — which defaults to its `use` — then its `use`; a segment's or tenant's `name`). A missing key may be
 * created when the schema knows it (`knownKeys` of the resolved parent; [] = anything goes, e.g.
 * a free-form map), so an option absent from the file can be swept too.
 */
export function resolvePath(
  data: unknown,
  segs: readonly PathSeg[],
  flag: string,
  knownKeys: (parent: PathSeg[]) => string[],
): PathSeg[] {
  const out: PathSeg[] = [];
  let cur: unknown = data;
  let creating = false;
  for (const seg of segs) {
    const here = showPath(out);
    if (Array.isArray(cur)) {
      let idx: number;
      if (typeof seg === 'number') {
        if (seg >= cur.length)
          throw userError(
            'USAGE',
            `index ${seg} is out of range: ${here} has ${cur.length} item${cur.length === 1 ? '' : 's'}`,
            {
              where: flag,
              hint: `use 0..${cur.length - 1}${
                cur.some((i) => itemNames(i).length)
                  ? ` or a name: ${cur
                      .map((i) => itemNames(i)[0])
                      .filter(Boolean)
                      .join(', ')}`
                  : ''
              }`,
            },
          );
        idx = seg;
      } else {
        // a strategy's label defaults to its `use` (as in the waterfall), so that match comes first
        const byLabel = cur.flatMap((item, i) => (isMap(item) && (item.label ?? item.use) === seg ? [i] : []));
        const byName = cur.flatMap((item, i) => (itemNames(item).includes(seg) ? [i] : []));
        const hits = byLabel.length ? byLabel : byName;
        if (hits.length === 0) {
          const names = [...new Set(cur.flatMap(itemNames))];
          const near = didYouMean(seg, names);
          throw userError('USAGE', `no item named '${seg}' in ${here}`, {
            where: flag,
            hint: `${near.length ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}? ` : ''}items: ${names.join(', ') || '(none with a name)'}; or use an index, e.g. ${here}[0]`,
          });
        }
        if (hits.length > 1)
          throw userError(
            'USAGE',
            `'${seg}' names ${hits.length} items of ${here} (${hits.map((i) => `[${i}]`).join(', ')})`,
            { where: flag, hint: `address one by index, e.g. ${here}[${hits[0]}], or give each a distinct \`label:\`` },
          );
        idx = hits[0]!;
      }
      out.push(idx);
      cur = cur[idx];
      continue;
    }
    if (typeof seg === 'number') {
      throw userError(
        'USAGE',
        `${here} is ${creating || cur === undefined ? 'not in the scenario' : 'not a list'}: [${seg}] cannot address into it`,
        { where: flag, hint: 'index only lists (strategies, traffic.profile.segments, ...)' },
      );
    }
    if (!creating && !isMap(cur)) {
      throw userError(
        'USAGE',
        `${here} is a value (${JSON.stringify(cur)}), not a map: there is no '${seg}' under it`,
        { where: flag, hint: `set ${here} itself` },
      );
    }
    const existing = creating ? [] : Object.keys(cur as object);
    if (!existing.includes(seg)) {
      const known = knownKeys(out);
      if (known.length && !known.includes(seg)) {
        const near = didYouMean(seg, [...new Set([...existing, ...known])]);
        throw userError('USAGE', `unknown key '${seg}' in ${here}`, {
          where: flag,
          hint: `${near.length ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}? ` : ''}keys here: ${[...new Set([...existing, ...known])].join(', ')}`,
        });
      }
      creating = true;
      cur = undefined;
    } else cur = (cur as Record<string, unknown>)[seg];
    out.push(seg);
  }
  if (!creating && (isMap(cur) || Array.isArray(cur))) {
    throw userError('USAGE', `${showPath(out)} is a ${Array.isArray(cur) ? 'list' : 'map'}, not a single value`, {
      where: flag,
      hint: `set one of its keys, e.g. ${showPath(out)}.${isMap(cur) ? (Object.keys(cur)[0] ?? 'key') : '[0]'}`,
    });
  }
  return out;
}

/** A deep copy of `data` with `value` at the resolved path (missing maps are created). */
export function setAt(data: unknown, path: readonly PathSeg[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(data)) {
    const copy = [...data];
    copy[head as number] = setAt(copy[head as number], rest, value);
    return copy;
  }
  const obj = isMap(data) ? data : {};
  return { ...obj, [head as string]: setAt(obj[head as string], rest, value) };
}

/** Number of configurations of the grid (product of the axes' value counts). */
export function gridSize(axes: readonly Pick<SweepAxis, 'values'>[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** The cartesian product, first axis slowest (like nested loops in --set order). */
export function expandGrid(axes: readonly SweepAxis[]): SweepPoint[] {
  let combos: number[][] = [[]];
  for (const a of axes) combos = combos.flatMap((c) => a.values.map((_, j) => [...c, j]));
  return combos.map((c, index) => ({
    index,
    assignments: c.map((j, axis) => ({
      axis,
      path: axes[axis]!.path,
      resolved: axes[axis]!.resolved,
      text: axes[axis]!.values[j]!.text,
      value: axes[axis]!.values[j]!.value,
    })),
  }));
}

/** Apply every assignment of a point to the raw data (a new object; `data` is untouched). */
export function applyPoint(data: unknown, point: SweepPoint): unknown {
  return point.assignments.reduce((d, a) => setAt(d, a.resolved, a.value), data);
}

/**
 * The cheapest configuration whose checks (quality floor and budgets) all pass: the lowest final
 * cost, ties to the earlier one in grid order. null when none passes.
 */
export function pickCheapest(runs: readonly { finalCost: number; checksOk: boolean }[]): number | null {
  let best: number | null = null;
  runs.forEach((r, i) => {
    if (r.checksOk && (best === null || r.finalCost < runs[best]!.finalCost)) best = i;
  });
  return best;
}
