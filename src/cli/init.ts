// `llmcost init [FILE]`: write a commented example scenario to start from, or - given any of
// estimate's flags, conversation turns or a routing share - a runnable scenario of that traffic
// (never overwrites without --force; written atomically).
import type { Command } from 'commander';
import { EXAMPLE_SCENARIO, initScenario, quickStartScenario } from '../app/init.js';
import { TIERS } from '../pricing/pricebook.js';
import type { App } from './app.js';
import { addPricingOptions, intFlag, intListFlag, type PricingFlags, tableChoice } from './common.js';
import { emit } from './io.js';
import { userError } from '../diagnostics.js';

interface Opts extends PricingFlags {
  force?: boolean;
  model?: string;
  requests?: string;
  systemTokens?: string;
  inputTokens?: string;
  outputTokens?: string;
  cache?: string;
  days?: string;
  tier?: string;
  turns?: string;
  thinkTime?: string;
  routeTo?: string;
  routeShare?: string;
  name?: string;
}

/** The flags that ask for a scenario of their own traffic (any one of them) instead of the example. */
const QUICK = [
  'model',
  'requests',
  'systemTokens',
  'inputTokens',
  'outputTokens',
  'cache',
  'days',
  'tier',
  'turns',
  'thinkTime',
  'routeTo',
  'routeShare',
  'name',
  'pricing',
  'asOf',
] as const;

function shareFlag(value: string, flag: string): number {
  const n = /^\s*(0(\.\d+)?|1(\.0+)?)\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(n > 0 && n <= 1))
    throw userError('USAGE', `${flag} '${value}' is not a share in (0, 1]`, {
      where: flag,
      hint: `e.g. ${flag} 0.6 (60% of the requests)`,
    });
  return n;
}

export function registerInit(program: Command, app: App): void {
  const cmd = program
    .command('init')
    .argument('[file]', "where to write the scenario ('-' prints it)", 'scenario.yaml')
    .description('write a scenario to start from: the commented example, or your traffic from estimate-style flags')
    .option('--force', 'overwrite the file if it exists')
    .option('-m, --model <model>', 'model id or alias (default claude-sonnet-4-5)')
    .option(
      '-r, --requests <list>',
      'requests per day (10k, 1.5M accepted); more than one: a sweep command is noted (default 1000)',
    )
    .option('-s, --system-tokens <n>', 'shared prefix per request: system prompt, tools (default 0)')
    .option('-i, --input-tokens <n>', 'new user tokens per request (per turn) (default 500)')
    .option('-O, --output-tokens <n>', 'output tokens per request (default 300)')
    .option('-c, --cache <mode>', 'a prompt-cache step with this TTL: off|5m|1h (default 5m)')
    .option('-d, --days <n>', 'days of traffic (default 30, as the monthly column of estimate)')
    .option(
      '-t, --tier <tier>',
      `standard, or batch (every request batchable, and a batch step) (${TIERS.join('|')} in estimate)`,
    )
    .option('--turns <n>', 'turns per conversation: the history rides along with each turn (default 1)')
    .option('--think-time <s>', 'seconds between an answer and the next message, with --turns (default 30)')
    .option('--route-to <model>', 'a route step sending --route-share of the requests to this model')
    .option('--route-share <share>', 'share of the requests routed, 0..1 (with --route-to)')
    .option('--name <name>', "the scenario's name (default quick-start)");
  addPricingOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost init
  llmcost init scenarios/my-bot.yaml --force && llmcost simulate scenarios/my-bot.yaml
  llmcost init bot.yaml --model claude-sonnet-4-5 --requests 5k --days 7 --system-tokens 3000 --input-tokens 250 --output-tokens 200 --turns 6 --route-to claude-haiku-4-5 --route-share 0.6 && llmcost simulate bot.yaml
  llmcost init - --model gpt-4o --requests 5000 --cache off --days 7

With none of the traffic flags, the commented example scenario is written. With any, the scenario
describes that traffic: one segment of the model (Poisson arrivals, as estimate assumes), a route
step when --route-to is given, a prompt-cache step unless --cache off (scope system, or conversation
with --turns), and a batch step with --tier batch. The pricing table is pinned (--pricing, --as-of,
else the newest bundled table) and the traffic starts on its date.`,
  );
  cmd.action(async (file: string, o: Opts) => {
    const quick = QUICK.some((k) => o[k] !== undefined);
    let text = EXAMPLE_SCENARIO;
    let idleCache = false;
    if (quick) {
      const turns = intFlag(o.turns ?? '1', '--turns', 1, 1000);
      const systemTokens = intFlag(o.systemTokens ?? '0', '--system-tokens', 0, 100_000_000);
      const cache = o.cache ?? '5m';
      text = await quickStartScenario(
        file,
        {
          ...tableChoice(o),
          model: o.model ?? 'claude-sonnet-4-5',
          requestsPerDay: intListFlag(o.requests ?? '1000', '--requests', 1),
          systemTokens,
          inputTokens: intFlag(o.inputTokens ?? '500', '--input-tokens', 0, 100_000_000),
          outputTokens: intFlag(o.outputTokens ?? '300', '--output-tokens', 0, 100_000_000),
          cache,
          days: intFlag(o.days ?? '30', '--days', 1, 366),
          tier: o.tier ?? 'standard',
          turns,
          thinkTimeS: intFlag(o.thinkTime ?? '30', '--think-time', 0, 86_400),
          routeTo: o.routeTo,
          routeShare: o.routeShare !== undefined ? shareFlag(o.routeShare, '--route-share') : undefined,
          name: o.name,
        },
        app,
      );
      // no shared prefix and no history: nothing repeats from one request to the next
      idleCache = cache !== 'off' && systemTokens === 0 && turns === 1;
    }
    if (file === '-') return emit(app.io, text);
    initScenario(file, { force: o.force, text }, app);
    app.note(`wrote ${file}; run: llmcost simulate ${file}`);
    if (idleCache)
      app.note(
        'its prompt-cache step saves nothing: with --system-tokens 0 and one turn no tokens repeat between requests; give the shared prefix (system prompt, tools) with --system-tokens N, or conversations with --turns N',
      );
  });
}
