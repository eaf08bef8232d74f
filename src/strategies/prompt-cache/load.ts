// Load-aware routing of automatic caches (OpenAI): requests are routed by a hash of the prompt's
// first tokens (and prompt_cache_key); above about 15 requests per minute for one such routing key,
// "some may overflow and get routed to additional machines, reducing cache effectiveness".
// Model (deterministic, no randomness): the machine holding a key's cache serves at most `rpm`
// of that key's requests in any sliding minute (t - 60 s, t]; the others overflow to a machine
// that does not hold the prefix: no read, and the primary's entry is neither used nor refreshed.
// At a steady rate r > rpm, the share that overflows tends to (r - rpm) / r (60 RPM at 15: 75%).
import { ExpiringMap } from './expiring.js';

interface Slots {
  /** primary-machine admission times, a ring of at most rpm entries (oldest at head once full) */
  times: number[];
  head: number;
  expiresAtMs: number;
}

export class OverflowRouter {
  private readonly keys = new ExpiringMap<Slots>();

  constructor(
    private readonly rpm: number,
    private readonly windowMs: number,
  ) {}

  /** true when the request at t (a monotone clock) reaches the machine that holds the key's cache */
  admit(key: string, t: number): boolean {
    let s = this.keys.get(key);
    if (s === undefined) {
      s = { times: [t], head: 0, expiresAtMs: t + this.windowMs };
      this.keys.set(key, s, t);
      return true;
    }
    if (s.times.length < this.rpm) {
      s.times.push(t);
    } else if (s.times[s.head]! <= t - this.windowMs) {
      // the oldest admission left the window: its slot is free again
      s.times[s.head] = t;
      s.head = (s.head + 1) % this.rpm;
    } else {
      return false;
    }
    // idle keys are swept once every admission is older than the window
    s.expiresAtMs = t + this.windowMs;
    return true;
  }
}
