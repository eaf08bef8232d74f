// Where an explicit-cache request carries its breakpoints (realistic mode): a documented policy of
// named positions, at most maxBreakpoints of them (the last ones win), writes only at breakpoints.
// Assumptions and sources: docs/strategies-caching.md, "Breakpoint placement".
import { z } from 'zod';
import type { PrefixBlock } from '../../engine/request.js';

/**
 * A breakpoint position: `system` = end of the leading system/tools blocks, `history` = end of the
 * earlier conversation, `prompt` = the last prefix block (what Anthropic's top-level automatic
 * caching marks), or a block number: 1 = the first block, -1 = the last, -2 = the one before it.
 */
export const positionSchema = z.union([
  z.enum(['system', 'history', 'prompt']),
  z
    .number()
    .int()
    .refine((n) => n !== 0, { message: 'block numbers start at 1 (or count from the end with -1, -2, ...)' }),
]);
export type Position = z.infer<typeof positionSchema>;

export const DEFAULT_POSITIONS: readonly Position[] = ['system', 'history', 'prompt'];

const isSystem = (b: PrefixBlock): boolean => b.kind === undefined || b.kind === 'system';

/** Block index a position names in this prefix, or -1 when the prefix has no such block. */
function resolve(pos: Position, prefix: readonly PrefixBlock[]): number {
  const n = prefix.length;
  if (typeof pos === 'number') {
    const i = pos > 0 ? pos - 1 : n + pos;
    return i >= 0 && i < n ? i : -1;
  }
  if (pos === 'prompt') {
    // Hash-block traces (Mooncake: one id per 512 tokens) cannot mark a breakpoint inside a block: a
    // shorter last block is a partial block whose hash changes once the prompt grows, so the
    // prompt's breakpoint is its last whole block.
    const last = prefix[n - 1];
    if (n > 1 && last?.kind === 'block' && last.tokens < prefix[n - 2]!.tokens) return n - 2;
    return n - 1;
  }
  if (pos === 'system') {
    let i = -1;
    while (i + 1 < n && isSystem(prefix[i + 1]!)) i++;
    return i;
  }
  for (let i = n - 1; i >= 0; i--) if (prefix[i]!.kind === 'history') return i;
  return -1;
}

/**
 * Fills `out` with the distinct block indices the positions name, ascending, keeping only the last
 * `max` (Anthropic: "only the most recent 4 (from back to front) will be used"). Blocks whose kind is
 * not in `kinds` are not breakpoints. Returns how many were kept and how many the limit dropped.
 */
export function placeBreakpoints(
  positions: readonly Position[],
  prefix: readonly PrefixBlock[],
  kinds: ReadonlySet<string>,
  max: number,
  out: number[],
): { kept: number; dropped: number } {
  let n = 0;
  for (const pos of positions) {
    const i = resolve(pos, prefix);
    if (i < 0 || !kinds.has(prefix[i]!.kind ?? 'none')) continue;
    let j = 0;
    while (j < n && out[j]! < i) j++;
    if (j < n && out[j] === i) continue;
    for (let k = n; k > j; k--) out[k] = out[k - 1]!;
    out[j] = i;
    n++;
  }
  if (n <= max) return { kept: n, dropped: 0 };
  const dropped = n - max;
  for (let k = 0; k < max; k++) out[k] = out[k + dropped]!;
  return { kept: max, dropped };
}
