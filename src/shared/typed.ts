// Typed arrays that grow: the one helper for the tables and builders that keep rows, ids or bytes
// in typed arrays.

type Growing = Uint8Array | Uint16Array | Int32Array | Float64Array;

/**
 * `a` when `need` elements fit in it, else a new array of its kind, twice as long (or `need` long
 * when that is more), holding a's first `used` elements.
 */
export function withRoom<T extends Growing>(a: T, used: number, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(2 * a.length, need));
  b.set(a.subarray(0, used) as never);
  return b;
}
