// Token counting for logs that carry text instead of counts. js-tiktoken ships its BPE ranks in
// the package (no network); an encoder is loaded lazily, on the first text that needs counting,
// so logs with token counts never pay for it. Counts for non-OpenAI models (Claude, Gemini, Llama)
// are approximations: their tokenizers are not public in this form.
import type { Tiktoken } from 'js-tiktoken/lite';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/** o200k_base for gpt-4o / gpt-4.1 / gpt-5 / o-series; cl100k_base for everything else. */
export function encodingFor(model: string): EncodingName {
  const m = model.toLowerCase().replace(/^(openai|azure)[/.:]/, '');
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o1|o3|o4)/.test(m)) return 'o200k_base';
  return 'cl100k_base';
}

const encoders = new Map<EncodingName, Promise<Tiktoken>>();
const ready = new Map<EncodingName, Tiktoken>();

async function loadEncoder(name: EncodingName): Promise<Tiktoken> {
  let p = encoders.get(name);
  if (!p) {
    p = (async () => {
      const { Tiktoken } = await import('js-tiktoken/lite');
      const ranks =
        name === 'o200k_base'
          ? (await import('js-tiktoken/ranks/o200k_base')).default
          : (await import('js-tiktoken/ranks/cl100k_base')).default;
      const t = new Tiktoken(ranks);
      ready.set(name, t);
      return t;
    })();
    encoders.set(name, p);
  }
  return p;
}

/**
 * Counts tokens with a bounded memo per encoding: repeated strings (system prompts, templated
 * questions) are encoded once. When the memo is full the oldest half is dropped (LRU-ish; Map
 * keeps insertion order and a hit re-inserts the entry).
 */
export class TokenCounter {
  private readonly memo = new Map<string, number>();
  /** texts actually encoded (memo misses), for tests and progress */
  encoded = 0;

  constructor(private readonly maxEntries = 20_000) {}

  /** load the encoder `model` needs (once per process) */
  async ensure(model: string): Promise<void> {
    await loadEncoder(encodingFor(model));
  }

  async count(text: string, model: string): Promise<number> {
    await this.ensure(model);
    return this.countSync(text, model)!;
  }

  /** the count, or undefined when the encoder is not loaded yet (call ensure() and retry) */
  countSync(text: string, model: string): number | undefined {
    if (text === '') return 0;
    const enc = encodingFor(model);
    const key = `${enc}\u0000${text}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) {
      this.memo.delete(key);
      this.memo.set(key, hit);
      return hit;
    }
    const encoder = ready.get(enc);
    if (!encoder) return undefined;
    const n = encoder.encode(text, 'all').length;
    this.encoded++;
    if (this.memo.size >= this.maxEntries) {
      let drop = Math.floor(this.maxEntries / 2);
      for (const k of this.memo.keys()) {
        if (drop-- <= 0) break;
        this.memo.delete(k);
      }
    }
    // Very long unique texts are not worth keeping.
    if (text.length <= 64_000) this.memo.set(key, n);
    return n;
  }
}
