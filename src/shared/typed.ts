// Typed arrays for the tables and builders that keep rows, ids or bytes in them: growing one, and
// writing a string's UTF-16 code units into one.

type Growing = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

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

/** Write the UTF-16 code units of `s` into `into` from `at` on (it has room for them). */
export function putUnits(s: string, into: Uint16Array, at: number): void {
  for (let k = 0; k < s.length; k++) into[at + k] = s.charCodeAt(k);
}
