// A map with the few keys used lately in front. A stream of requests interleaves a handful of
// models, tenants and features: a short scan of those finds one without hashing the key (a fresh
// string from each log row) or probing a hash table.

/** key -> value, the value made by `make` the first time a key is asked for (in that order). */
export class RecentMap<V> {
  private readonly all = new Map<string, V>();
  private readonly keys: string[] = [];
  private readonly values: V[] = [];
  private replace = 0;

  constructor(
    private readonly make: (key: string) => V,
    /** how many keys are kept in front */
    private readonly size = 8,
  ) {}

  get(key: string): V {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.values[i] as V;
    let v = this.all.get(key);
    if (v === undefined && !this.all.has(key)) this.all.set(key, (v = this.make(key)));
    // keep it in front (round robin once the front is full)
    const at = keys.length < this.size ? keys.length : (this.replace = (this.replace + 1) % this.size);
    keys[at] = key;
    this.values[at] = v as V;
    return v as V;
  }
}
