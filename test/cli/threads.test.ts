// Byte-identical reports on any thread count: every bundled scenario (at a test-sized volume) and
// the bundled trace slices, run on one thread and split over two and three, with --standalone;
// the parts must really be parts (the --verbose note says so) where the strategies allow it.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/app/simulate.js';
import { loadScenarioFile, type Scenario } from '../../src/config/scenario.js';
import { render } from '../../src/report/render.js';
import { runCli } from '../helpers/cli.js';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const root = resolve(import.meta.dirname, '../..');
const quiet = { warn: () => {} };

/** a bundled scenario at a test-sized volume (a profile's requests per day capped) */
function small(file: string): Scenario {
  const { scenario } = loadScenarioFile(resolve(root, 'scenarios', file), file);
  const p = scenario.traffic.profile;
  if (p) {
    p.days = Math.min(p.days, 2);
    if (p.requests_per_day !== undefined) p.requests_per_day = Math.min(p.requests_per_day, 3000);
    if (p.conversations_per_day !== undefined) p.conversations_per_day = Math.min(p.conversations_per_day, 1000);
  }
  return scenario;
}

async function report(scenario: Scenario, threads: number, notes: string[] = []): Promise<string> {
  const r = await simulate(
    { scenario, standalone: true, threads, explicitThreads: true, verbose: (m) => notes.push(m) },
    quiet,
  );
  return render(r, 'json');
}

/** log-what-if.yaml with the Azure conversation trace slice as its log (a scenario file in a temporary folder) */
function azureWhatIf(): string {
  const text = readFileSync(resolve(root, 'scenarios/log-what-if.yaml'), 'utf8').replace(
    '\n  log:\n    file: logs/support-bot.csv\n',
    `\n  log:\n    file: ${JSON.stringify(resolve(root, 'scenarios/traces/AzureLLMInferenceTrace_conv.first10min.csv.gz'))}\n    preset: azure\n    model: claude-sonnet-4-6\n`,
  );
  if (!text.includes('preset: azure')) throw new Error('log-what-if.yaml no longer names its log as this test expects');
  const file = join(mkdtempSync(join(tmpdir(), 'llmcost-threads-')), 'azure-what-if.yaml');
  writeFileSync(file, text);
  return file;
}

const bundled = readdirSync(resolve(root, 'scenarios')).filter((f) => f.endsWith('.yaml'));

describe('threads', () => {
  const split: string[] = [];
  it.each(bundled)('%s: the same report on 1, 2 and 3 threads', async (file) => {
    const scenario = small(file);
    const notes: string[] = [];
    const one = await report(scenario, 1);
    expect(await report(scenario, 2, notes)).toBe(one);
    expect(await report(scenario, 3)).toBe(one);
    // the note says how it ran: split into parts, or one thread and why
    expect(notes.join('\n')).toMatch(/split into [23] parts|one thread: /);
    if (notes.some((n) => n.startsWith('split into 2 parts'))) split.push(file);
  });

  it('the scenarios that can split did (the tests above): their strategies keep state on keys, and the traffic has many', () => {
    expect(split).toEqual([
      'agent-loop.yaml',
      'chatbot-10k.yaml',
      'code-assistant.yaml',
      'log-what-if.yaml',
      'platform-100k.yaml',
      'platform-routing.yaml',
      'support-bot-fitted.yaml',
    ]);
  });

  // The bundled trace slices (scenarios/traces/): Mooncake through block-level prompt caching (one
  // shared first block: one group, so one thread), the two Azure slices through a route with a
  // share and a 24-hour batch window (no state across requests: every request is its own group).
  const traces = [
    { file: 'mooncake_conversation_trace.first10min.jsonl.gz', scenario: 'mooncake-blocks.yaml', split: false },
    { file: 'AzureLLMInferenceTrace_code.first10min.csv.gz', scenario: 'log-what-if.yaml', split: true },
    { file: 'AzureLLMInferenceTrace_conv.first10min.csv.gz', scenario: 'log-what-if.yaml', split: true },
  ];
  it.each(traces)('the trace slice $file: the same report on 1, 2 and 3 threads', async (t) => {
    const scenario = small(t.scenario);
    const log = scenario.traffic.log!;
    if (t.scenario !== 'mooncake-blocks.yaml')
      scenario.traffic = {
        log: { ...log, file: resolve(root, 'scenarios/traces', t.file), preset: 'azure', model: 'claude-sonnet-4-6' },
      };
    expect(scenario.traffic.log!.file).toBe(resolve(root, 'scenarios/traces', t.file));
    const notes: string[] = [];
    const one = await report(scenario, 1);
    expect(await report(scenario, 2, notes)).toBe(one);
    expect(await report(scenario, 3)).toBe(one);
    expect(notes.join('\n')).toMatch(t.split ? /split into 2 parts/ : /one thread: all [\d,]+ requests are one group/);
    // and a report with figures: every row priced
    expect(JSON.parse(one).rows.priced).toBeGreaterThan(1000);
  });

  it('the BurstGPT sample: the same report on 1 and 2 threads', async () => {
    const scenario = small('log-what-if.yaml');
    scenario.traffic = {
      log: { ...scenario.traffic.log!, file: resolve(root, 'test/fixtures/logs/burstgpt.csv'), preset: 'burstgpt' },
    };
    expect(await report(scenario, 2)).toBe(await report(scenario, 1));
  });

  it('splits a log whose prefix keys are many, and says why it cannot split an unsorted one', async () => {
    const split = await runCli(
      ['simulate', 'scenarios/log-what-if.yaml', '--threads', '2', '--verbose', '--format', 'json'],
      {
        cwd: root,
      },
    );
    const one = await runCli(['simulate', 'scenarios/log-what-if.yaml', '--threads', '1', '--format', 'json'], {
      cwd: root,
    });
    expect(split.code).toBe(0);
    expect(split.stdout).toBe(one.stdout);
    expect(split.stderr).toMatch(/note: (split into 2 parts|one thread: )/);
  });

  it('a sweep over a log: configurations sharing leading stages, the same on 1 and 2 threads and as single runs', async () => {
    const args = [
      'sweep',
      'scenarios/log-what-if.yaml',
      '--set',
      'strategies.route.rules[0].share=0.3,0.6',
      '--set',
      'strategies.batch.only_batchable=true,false',
      '--format',
      'json',
    ];
    const one = await runCli([...args, '--threads', '1'], { cwd: root });
    const two = await runCli([...args, '--threads', '2'], { cwd: root });
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    // configuration #2 (share 0.3, all standard requests batched) is the scenario run alone with those values
    const { scenario } = loadScenarioFile(resolve(root, 'scenarios/log-what-if.yaml'), 'log-what-if.yaml');
    (scenario.stages[0]!.options as { rules: { share: number }[] }).rules[0]!.share = 0.3;
    (scenario.stages[1]!.options as { only_batchable: boolean }).only_batchable = false;
    const alone = await simulate({ scenario }, quiet);
    expect(JSON.parse(one.stdout).runs[1].finalCost).toBe(alone.final.cost);
  });

  it('a sweep over a profile: each volume generated once, its TTLs run over it together, as single runs on 1 and 2 threads', async () => {
    const sets = ['traffic.profile.requests_per_day=200,400', 'strategies.prompt-cache.ttl=5m,1h'];
    const args = [
      'sweep',
      'scenarios/system-prompt-8k-1k.yaml',
      ...sets.flatMap((s) => ['--set', s]),
      '--format',
      'json',
    ];
    const one = await runCli([...args, '--threads', '1'], { cwd: root });
    const two = await runCli([...args, '--threads', '2', '--verbose'], { cwd: root });
    expect(one.code, one.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(
      two.stderr.match(/2 configurations over one read of the profile \([\d,]+ requests\), on 2 threads/g),
    ).toHaveLength(2);
    // configuration #4 (400 a day, 1-hour TTL) is the scenario run alone with those values
    const { scenario } = loadScenarioFile(
      resolve(root, 'scenarios/system-prompt-8k-1k.yaml'),
      'system-prompt-8k-1k.yaml',
    );
    scenario.traffic.profile!.requests_per_day = 400;
    const k = scenario.stages.findIndex((s) => s.use === 'prompt-cache');
    (scenario.stages[k]!.options as { ttl: string }).ttl = '1h';
    const alone = await simulate({ scenario }, quiet);
    expect(JSON.parse(one.stdout).runs[3].finalCost).toBe(alone.final.cost);
  });

  // A streamed run whose log is read and turned into requests in a worker thread (traffic/table/stream.ts;
  // by default a log of 8 MB or more, LLMCOST_READER_THREAD=on forces it): the same report and stderr.
  const streamed = [
    {
      name: 'log-what-if.yaml --standalone',
      args: ['scenarios/log-what-if.yaml', '--standalone', '--by', 'tenant,feature'],
    },
    { name: 'mooncake-blocks.yaml', args: ['scenarios/mooncake-blocks.yaml'] },
    { name: 'log-what-if.yaml over the Azure conversation trace slice', args: [azureWhatIf()] },
  ];
  it.each(streamed)(
    '$name: the same report and warnings with its log turned into requests in a worker thread',
    async ({ args }) => {
      const run = (mode: string) =>
        runCli(['simulate', ...args, '--format', 'json'], { cwd: root, env: { LLMCOST_READER_THREAD: mode } });
      const here = await run('off');
      const worker = await run('on');
      expect(here.code, here.stderr).toBe(0);
      expect(worker.stdout).toBe(here.stdout);
      expect(worker.stderr).toBe(here.stderr);
    },
  );

  it('LLMCOST_THREADS and --threads are checked', async () => {
    const bad = await runCli(['simulate', 'scenarios/support-bot.yaml', '--threads', 'many'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--threads 'many' is not a whole number of threads/);
    const env = await runCli(['simulate', 'scenarios/support-bot.yaml'], { cwd: root, env: { LLMCOST_THREADS: '0' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/LLMCOST_THREADS '0'/);
  });
});
