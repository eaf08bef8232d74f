// `init`: a commented example scenario to start from, written to a new file (never over an existing
// one without `force`; by the rules of shared/output-file.ts).
import { existsSync } from 'node:fs';
import { userError } from '../diagnostics.js';
import { writeOutputFile } from '../shared/output-file.js';
import { type Context, makeContext } from './context.js';
import { resolvePath } from './io.js';

export const EXAMPLE_SCENARIO = `# llmcost scenario — run it with:  llmcost simulate scenario.yaml
# Every key is checked (typos are errors). Full reference: docs/scenarios.md,
# JSON Schema for editors: llmcost schema scenario --out scenario.schema.json
name: my-support-bot
description: Support assistant, 5K messages/day, Sonnet with a 3K-token system prompt
seed: 1                      # same seed -> identical traffic and identical report

pricing:                     # one of: version (bundled table), as_of (table in force), file
  version: "2026-11-01"      # --pricing / --as-of on the command line win over this

traffic:
  profile:                   # synthetic traffic (or: log: {file, preset, model})
    days: 7
    start: 2026-11-02        # UTC; Monday
    requests_per_day: 5000   # turns per day (conversations = this / mean turns)
    arrivals: poisson        # poisson | uniform (exact counts, evenly spaced)
    diurnal: business-hours  # flat | business-hours | consumer-evening | 24 weights
    weekly: weekdays         # flat | weekdays | weekend | 7 weights (Mon..Sun)
    tenants:
      - { name: acme, share: 0.6 }
      - { name: globex, share: 0.4 }
    errors: { rate: 0.01, timeout_rate: 0.01, retry_delay_s: 5 }
    segments:
      - name: support
        share: 0.8
        model: claude-sonnet-4-5
        system_tokens: 3000  # shared prefix, one cache key per prompt_version
        prompt_version: v3
        input_tokens: { lognormal: { mean: 120, p95: 400 } }
        output_tokens: { normal: { mean: 250, sd: 80 } }
        turns: { uniform: { min: 1, max: 6 } }
        think_time_s: { lognormal: { mean: 40, p95: 120 } }
      - name: faq
        share: 0.2
        model: claude-haiku-4-5
        system_tokens: 2500
        input_tokens: 40
        output_tokens: { empirical: { values: [80, 150, 300], weights: [5, 3, 1] } }
        queries: { distinct: 500, zipf: 1.1 }   # repeated questions (exact response cache)

strategies:                  # applied in order; the waterfall shows each one's saving
  - use: dedupe-retries      # drop client retries whose original completed
  - use: prompt-cache        # cache system prompt and conversation history
    ttl: 5m

report:
  by: [tenant, feature]      # attribution columns

budgets:                     # checked on every run; \`simulate --check\` exits 1 when violated
  per_request_usd: "0.02"
  per_tenant_per_day_usd: "60"

quality:
  floor: 0.95                # minimum final success rate

fixed_costs: []              # one-time costs, e.g. - { label: "setup", usd: "500" }
`;

/** Write the example scenario to `file` (relative to the Io's cwd). */
export function initScenario(file: string, opts: { force?: boolean }, context: Partial<Context> = {}): void {
  const ctx = makeContext(context);
  const path = resolvePath(ctx.io, file);
  if (existsSync(path) && !opts.force)
    throw userError('USAGE', `${file} already exists`, {
      where: file,
      hint: 'pass --force to overwrite it, or give another file name',
    });
  writeOutputFile(path, EXAMPLE_SCENARIO, { flag: file, shown: file });
}
