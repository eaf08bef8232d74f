// `init`: a commented example scenario to start from, written to a new file (never over an existing
// one without `force`; by the rules of shared/output-file.ts).
import { existsSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { parseScenarioText } from '../config/scenario.js';
import { userError } from '../diagnostics.js';
import type { ModelInfo } from '../pricing/pricebook.js';
import { writeOutputFile } from '../shared/output-file.js';
import { type Context, makeContext } from './context.js';
import { resolvePath } from './io.js';
import { checkEstimateFlags, type EstimateInput } from './estimate.js';

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

/**
 * `init` from flags: estimate's flags (one traffic shape, one model) plus conversation turns and a
 * routing share, as a runnable scenario - the first what-if without writing YAML. Read as a
 * scenario: the first of `requestsPerDay` is the profile's volume (the others go into a sweep
 * command in a comment), `days` the days of traffic, `cache` a prompt-cache step (or none), `tier`
 * standard or batch (batchable traffic and a batch step).
 */
export interface QuickStartInput extends EstimateInput {
  /** turns per conversation (1: independent requests; more: the history rides along) */
  turns: number;
  /** seconds between an answer and the next message (with turns > 1) */
  thinkTimeS: number;
  /** route this share (0..1) of the requests to `routeTo` */
  routeTo?: string;
  routeShare?: number;
  name?: string;
}

const yamlString = (s: string): string => JSON.stringify(s);
/** A YAML line with its comment aligned at column 36. */
const commented = (line: string, comment: string): string => `${line.padEnd(35)} # ${comment}`;

/** The scenario text for a quick start, checked (schema, models, cache TTL) before it is returned. */
export async function quickStartScenario(
  file: string,
  input: QuickStartInput,
  context: Partial<Context> = {},
): Promise<string> {
  const ctx = makeContext(context);
  // the same checks as estimate's (model, cache mode, tier, 1-hour TTL), then init's own
  const { book, model, cache } = await checkEstimateFlags(input, ctx);
  if (input.tier !== 'standard' && input.tier !== 'batch')
    throw userError('USAGE', `--tier '${input.tier}': init writes standard or batch traffic`, {
      where: '--tier',
      hint: 'use --tier standard (the default) or --tier batch; flex and priority are priced by estimate only',
    });
  const route = input.routeTo !== undefined ? book.resolve(input.routeTo, '--route-to') : undefined;
  if ((input.routeShare !== undefined) !== (route !== undefined))
    throw userError('USAGE', '--route-to and --route-share go together', {
      where: route ? '--route-share' : '--route-to',
      hint: 'e.g. --route-to claude-haiku-4-5 --route-share 0.6 (60% of the requests to Haiku)',
    });
  const [perDay, ...more] = input.requestsPerDay;
  const shown = file === '-' ? 'scenario.yaml' : file;
  const cwd = ctx.io.cwd;
  const scenarioDir = dirname(resolvePath(ctx.io, file === '-' ? 'scenario.yaml' : file));
  // a table file is named relative to the scenario's folder (where the scenario resolves it)
  const tableFile = input.pricing !== undefined && existsSync(resolvePath(ctx.io, input.pricing));
  const pricing = input.asOf
    ? `  as_of: "${input.asOf}"`
    : tableFile
      ? `  file: ${yamlString(relative(scenarioDir, resolvePath({ ...ctx.io, cwd }, input.pricing!)))}`
      : `  version: "${book.version}"`;
  const start = input.asOf ?? book.effective;
  const conversation = input.turns > 1;
  const lines = [
    "# Written by llmcost init from estimate's flags (plus turns and routing). Run it with:",
    `#   llmcost simulate ${shown}`,
    '# Edit anything: every key is checked (docs/scenarios.md). Volumes to compare:',
    `#   llmcost sweep ${shown} --set traffic.profile.requests_per_day=${[perDay, ...(more.length ? more : [perDay! * 10])].join(',')}`,
    `name: ${yamlString(input.name ?? 'quick-start')}`,
    `description: ${yamlString(`${model.id}, ${perDay} requests/day, ${input.systemTokens}-token system prompt${conversation ? `, ${input.turns}-turn conversations` : ''}`)}`,
    'seed: 1',
    '',
    'pricing:',
    pricing,
    '',
    'traffic:',
    '  profile:',
    `    days: ${input.days}`,
    `    start: ${start}`,
    commented(
      `    requests_per_day: ${perDay}`,
      `turns per day${conversation ? ` (conversations = this / ${input.turns})` : ''}`,
    ),
    commented('    arrivals: poisson', 'as estimate assumes: Poisson arrivals spread evenly over the day'),
    '    diurnal: flat',
    '    segments:',
    '      - name: main',
    `        model: ${yamlString(input.model)}`,
    commented(`        system_tokens: ${input.systemTokens}`, 'the shared prefix (system prompt, tools)'),
    commented(`        input_tokens: ${input.inputTokens}`, 'new user tokens per turn'),
    `        output_tokens: ${input.outputTokens}`,
    ...(conversation
      ? [
          commented(`        turns: ${input.turns}`, 'the history rides along with every turn'),
          `        think_time_s: ${input.thinkTimeS}`,
        ]
      : []),
    ...(input.tier === 'batch' ? [commented('        batchable: 1', '--tier batch: every request may wait')] : []),
    '',
    'strategies:',
  ];
  const steps: string[] = [];
  if (route)
    steps.push(
      '  - use: route',
      '    rules:',
      `      - name: ${yamlString(`to-${route.id}`)}`,
      `        to: ${yamlString(input.routeTo!)}`,
      commented(`        share: ${input.routeShare}`, 'of the requests, a seeded draw each'),
    );
  if (cache !== 'off')
    steps.push(
      '  - use: prompt-cache',
      ...cacheExpiry(cache, [model, ...(route ? [route] : [])]),
      conversation
        ? commented('    scope: conversation', 'the system prompt and the history so far')
        : commented('    scope: system', 'the shared system prompt'),
    );
  if (input.tier === 'batch') steps.push('  - use: batch', '    only_batchable: true', '    window: 24h');
  const text = [...lines, ...(steps.length ? steps : [commented('  []', 'none: the baseline only')]), ''].join('\n');
  // the file must load as written (a bug here is ours, not the user's)
  const parsed = parseScenarioText(text, file, scenarioDir);
  if (!parsed.value) throw new Error(`internal: init wrote an invalid scenario: ${JSON.stringify(parsed.errors)}`);
  return text;
}

/**
 * How long the prompt-cache step keeps entries, for the models it caches: an explicit cache (Anthropic
 * style) by `ttl`, an automatic one (OpenAI, Gemini) by `retention` (each option is ignored, with a
 * warning, by the other style). 5m is each style's default (an automatic cache's is its table's
 * retention), so it is written only where no model would warn; 1h is written for each style present,
 * as estimate's --cache 1h keeps both styles' entries for an hour.
 */
function cacheExpiry(cache: '5m' | '1h', models: ModelInfo[]): string[] {
  const auto = models.filter((m) => m.cache?.style === 'automatic');
  const explicit = models.some((m) => m.cache?.style === 'explicit');
  const lines: string[] = [];
  if (explicit && (cache === '1h' || !auto.length)) lines.push(`    ttl: ${cache}`);
  if (auto.length && cache === '1h') lines.push(`    retention: 1h`);
  if (auto.length && cache === '5m') {
    const names = auto.map((m) => m.id).join(', ');
    const retention = auto[0]!.cache!.retentionMs;
    lines.push(
      `    # ${names} cache${auto.length > 1 ? '' : 's'} automatically: entries expire after ${retention !== undefined && retention !== 300_000 ? `the table's retention (${retention / 60_000} min)` : '5 minutes'} idle (a retention: key sets another)`,
    );
  }
  return lines;
}

/** Write the example scenario (or `text`, a quick start) to `file` (relative to the Io's cwd). */
export function initScenario(
  file: string,
  opts: { force?: boolean; text?: string },
  context: Partial<Context> = {},
): void {
  const ctx = makeContext(context);
  const path = resolvePath(ctx.io, file);
  if (existsSync(path) && !opts.force)
    throw userError('USAGE', `${file} already exists`, {
      where: file,
      hint: 'pass --force to overwrite it, or give another file name',
    });
  writeOutputFile(path, opts.text ?? EXAMPLE_SCENARIO, { flag: file, shown: file });
}
