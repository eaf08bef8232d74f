// cap-output: a max_tokens cap on every answer. Requests whose output exceeds the cap are billed
// for the cap only. A seeded share of the capped requests was needed in full: they are re-sent
// without the cap — the truncated call is paid and unused (answers: false), and the retry, with
// the full output and the same input, answers. Capped requests that are not retried keep the
// truncated answer, with the `quality` factor (an answer cut short may be worse).
import { z } from 'zod';
import { copyRequest, totalCached, withTag } from '../engine/request.js';
import { QualitySchema } from './match.js';
import type { Strategy } from '../engine/strategy.js';

const options = z.strictObject({
  max_output_tokens: z.number().int().positive(),
  /** seeded share of the capped requests re-sent in full, 0..1 */
  truncation_retry_share: z.number().min(0).max(1).default(0),
  /** quality factor of a capped answer that was kept (not retried) */
  quality: QualitySchema.optional(),
});
export type CapOutputOptions = z.infer<typeof options>;

export const capOutput: Strategy<CapOutputOptions> = {
  name: 'cap-output',
  state: () => ({ key: { on: 'none' } }),
  summary: 'cap output tokens (max_tokens), with a seeded share of truncated answers re-sent in full',
  options,
  start(o, ctx) {
    const cap = o.max_output_tokens;
    return {
      step(r) {
        if (r.outputTokens <= cap) return [r];
        // One draw per capped request (none for the others), so the retried set depends only on
        // the capped requests and grows with the share.
        const retried = o.truncation_retry_share > 0 && ctx.draw(r) < o.truncation_retry_share;
        if (!retried) {
          const kept = copyRequest(r);
          kept.outputTokens = cap;
          kept.tags = withTag(r.tags, 'capped', 'kept');
          if (o.quality !== undefined) kept.quality = (r.quality ?? 1) * o.quality;
          return [kept];
        }
        const tags = withTag(r.tags, 'capped', 'retried');
        // No retryOf link: dedupe-retries must not drop this retry (its original did not complete usefully).
        const retry = copyRequest(r);
        retry.tags = tags;
        // Sent moments after the same prompt: what the first call wrote to the cache, the retry reads.
        if (r.cached && r.cached.write5m + r.cached.write1h > 0)
          retry.cached = { read: totalCached(r.cached), write5m: 0, write1h: 0 };
        const truncated = copyRequest(r);
        truncated.id = `${r.id}/truncated`;
        truncated.outputTokens = cap;
        truncated.answers = false;
        truncated.tags = tags;
        return [truncated, retry];
      },
    };
  },
};
