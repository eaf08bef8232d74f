// prompt-cache on a log without prefix columns that reports cache counts (most exports): the
// cacheable prefixes are inferred from the counts (strategies/prompt-cache/infer.ts) and their
// caching simulated again, so a TTL, realism or routing what-if answers on such a log; split runs
// give the report one thread gives.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/app/simulate.js';
import { loadScenarioFile } from '../../src/config/scenario.js';
import { render } from '../../src/report/render.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmcost-inferred-'));
const HEADER =
  'timestamp,model,input_tokens,output_tokens,cached_input_tokens,cache_write_tokens,conversation_id,feature';

/** One conversation c1 (three turns within minutes, a fourth 18 minutes later) and c2's first turn. */
writeFileSync(
  join(dir, 'chat.csv'),
  `${HEADER}
2026-10-01T00:00:00Z,claude-sonnet-4-5,3000,200,0,2500,c1,
2026-10-01T00:00:30Z,claude-sonnet-4-5,3000,200,0,2500,c2,
2026-10-01T00:01:00Z,claude-sonnet-4-5,3400,200,2500,700,c1,
2026-10-01T00:02:00Z,claude-sonnet-4-5,3800,200,3200,400,c1,
2026-10-01T00:20:00Z,claude-sonnet-4-5,4200,200,0,3900,c1,
`,
);

function scenario(name: string, log: string, steps: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}\nseed: 3\npricing: { version: "2026-11-01" }\ntraffic:\n  log: { file: ${log} }\nstrategies:\n${steps}`,
  );
  return file;
}

async function finalCost(file: string): Promise<{ baseline: number; final: number; stderr: string }> {
  const r = await runCli(['simulate', file, '--format', 'json'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const j = JSON.parse(r.stdout);
  return { baseline: j.baseline.cost, final: j.final.cost, stderr: r.stderr };
}

/** The log `name`.csv (HEADER, then `rows`) through a scenario of `steps`: its baseline and final cost. */
async function whatIf(
  name: string,
  rows: string,
  steps: string,
): Promise<{ baseline: number; final: number; stderr: string }> {
  writeFileSync(join(dir, `${name}.csv`), `${HEADER}\n${rows}`);
  return finalCost(scenario(name, `${name}.csv`, steps));
}

describe('prompt-cache on a log that reports cache counts and no prefixes', () => {
  it('re-simulates them: the 5-minute TTL gives the billed cost, the 1-hour TTL its own (hand-computed)', async () => {
    // Claude Sonnet 4.5, $ per 1M tokens: input 3, output 15, cache read 0.30, write 3.75 (5m) / 6 (1h).
    // Billed: c1 t1 and c2 t1 write 2,500 (500 plain): 1,500 + 9,375 + 3,000 output = 13,875 u$ each;
    // c1 t2 reads 2,500, writes 700, 200 plain: 750 + 2,625 + 600 + 3,000 = 6,975; c1 t3 reads 3,200,
    // writes 400: 960 + 1,500 + 600 + 3,000 = 6,060; c1 t4 (18 minutes later: expired) writes 3,900,
    // 300 plain: 14,625 + 900 + 3,000 = 18,525. Total 59,310 u$.
    const five = await finalCost(scenario('ttl-5m', 'chat.csv', '  - use: prompt-cache\n    ttl: 5m\n'));
    expect(five.baseline).toBe(0.05931);
    // c1's inferred prefixes extend each other (2,500 -> 3,200 -> 3,600 -> 3,900): the simulation
    // reads and writes what the provider did
    expect(five.final).toBe(0.05931);
    expect(five.stderr).toContain(
      'ttl-5m.yaml:7:5: prompt-cache: 5 of 5 requests carry no prefix blocks; their cacheable prefixes are inferred',
    );
    expect(five.stderr).toContain('warning[STRATEGY_INFERRED]');
    expect(five.stderr).not.toContain('STRATEGY_NO_DATA');
    // 1h: writes at 6: c1 t1 and c2 t1 15,000 + 1,500 + 3,000 = 19,500 each; t2 750 + 700 x 6 = 4,200
    // + 600 + 3,000 = 8,550; t3 960 + 2,400 + 600 + 3,000 = 6,960; t4 still cached: reads 3,600
    // (1,080), writes 300 (1,800), 300 plain (900) + 3,000 = 6,780. Total 61,290 u$: 1h costs more here.
    const hour = await finalCost(scenario('ttl-1h', 'chat.csv', '  - use: prompt-cache\n    ttl: 1h\n'));
    expect(hour.final).toBe(0.06129);
  });

  it('predicts what audit-cache predicts for the same log and TTL', async () => {
    const r = await runCli(['audit-cache', 'chat.csv', '--ttl', '1h', '--pricing', '2026-11-01', '--format', 'json'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const total = JSON.parse(r.stdout).total;
    expect(total.actual.cost).toBe(0.05931);
    expect(total.realistic.cost).toBe(0.06129);
  });

  it('a prefix the log reads at its start was written before it: found there (a warm start)', async () => {
    // conversation w1 reads 2,000 at its first request (cached before the log began) and writes 500;
    // its second reads 2,500 and writes 300. Sonnet 4.5: 600 + 1,875 + 100 x 3 + 1,500 = 4,275 u$ and
    // 750 + 1,125 + 300 + 1,500 = 3,675 u$. gpt-4.1 (automatic; $2 / $0.50 cached / $8), feature x
    // without a conversation: two reads of 2,048 of 3,000: 952 x 2 + 1,024 + 800 = 3,728 u$ each.
    const r = await whatIf(
      'warm',
      `2026-10-01T00:00:00Z,claude-sonnet-4-5,2600,100,2000,500,w1,
2026-10-01T00:00:10Z,gpt-4.1,3000,100,2048,0,,x
2026-10-01T00:01:00Z,claude-sonnet-4-5,2900,100,2500,300,w1,
2026-10-01T00:01:10Z,gpt-4.1,3000,100,2048,0,,x
`,
      '  - use: prompt-cache\n    ttl: 5m\n',
    );
    expect(r.baseline).toBe(0.015406);
    // cold, the first requests would write what they read: 2,500 x 3.75 + 100 x 3 + 1,500 = 11,175 u$
    // and 2,952 x 2 + 800 = 6,704 u$
    expect(r.final).toBe(0.015406);
  });

  it('an automatic cache reports reads only: a turn stored more than it reported, the next read says how much', async () => {
    // gpt-4.1 ($2 / $0.50 cached / $8), conversation o1, a turn a minute: 2,000 tokens (no read), then
    // 2,600 reading 1,920 (the first prompt, in 128-token steps), then 3,200 reading 2,560. Billed:
    // 4,000 + 800 = 4,800; 960 + 680 x 2 + 800 = 3,120; 1,280 + 640 x 2 + 800 = 3,360 u$: 11,280.
    // Re-simulated: the second turn's 1,920 was written before it (by the first turn), the third's
    // 2,560 by the second: both are found, and the re-simulation gives the billed cost.
    const rows = (gap: number): string =>
      `2026-10-01T00:00:00Z,gpt-4.1,2000,100,0,0,o1,
2026-10-01T00:01:00Z,gpt-4.1,2600,100,1920,0,o1,
2026-10-01T00:${String(1 + gap).padStart(2, '0')}:00Z,gpt-4.1,3200,100,2560,0,o1,
`;
    const r = await whatIf('reads', rows(1), '  - use: prompt-cache\n');
    expect(r.baseline).toBe(0.01128);
    expect(r.final).toBe(0.01128);
    // the third turn 10 minutes after the second: past the 5-minute retention, the re-simulation
    // misses what the provider still had (a what-if of the retention): 3,200 x 2 + 800 = 7,200 u$
    const late = await whatIf('reads-late', rows(10), '  - use: prompt-cache\n');
    expect(late.final).toBe(0.01512);
  });

  it('a conversation idle for more than a day starts again: a read it then reports is found (a warm start)', async () => {
    // z writes 2,000 of 2,100, and 25 hours later reads those 2,000 (some other traffic kept them):
    // 2,000 x 3.75 + 300 + 1,500 = 9,300 u$ and 600 + 300 + 1,500 = 2,400 u$
    const r = await whatIf(
      'idle',
      `2026-10-01T00:00:00Z,claude-sonnet-4-5,2100,100,0,2000,z,
2026-10-02T01:00:00Z,claude-sonnet-4-5,2100,100,2000,0,z,
`,
      '  - use: prompt-cache\n    ttl: 1h\n',
    );
    expect(r.baseline).toBe(0.0117);
    // 1h: the write costs 2,000 x 6 = 12,000 (+ 300 + 1,500); the read as billed
    expect(r.final).toBe(0.0162);
  });

  it('after a route: the prefixes the log reported are simulated on the model the requests moved to', async () => {
    // a Sonnet conversation writes 2,000 of 2,100, then reads 2,000 of 2,200; routed to gpt-4.1
    // (automatic: 1,024 + 128-token steps; $2 / $0.50 cached / $8): the first stores the prefix,
    // 2,100 x 2 + 800 = 5,000 u$; the second reads 1,920 (1,024 + 7 x 128): 960 + 280 x 2 + 800 =
    // 2,320 u$. The route drops the Sonnet counts (they priced another model); the step still infers.
    const r = await whatIf(
      'routed',
      `2026-10-01T00:00:00Z,claude-sonnet-4-5,2100,100,0,2000,r1,
2026-10-01T00:01:00Z,claude-sonnet-4-5,2200,100,2000,0,r1,
`,
      '  - use: route\n    rules:\n      - { name: all, when: {}, to: gpt-4.1, quality: 0.97 }\n  - use: prompt-cache\n',
    );
    expect(r.final).toBe(0.00732);
    expect(r.stderr).toContain('2 of 2 requests carry no prefix blocks');
  });

  it('a compress step before it shrinks the inferred prefixes as it shrinks logged ones (hand-computed)', async () => {
    // Sonnet 4.5 ($3 in / $15 out / $0.30 read / $3.75 5m write), conversation k1: the first turn
    // writes 5,000 of 6,000, the second reads 5,000 and writes 1,400 of 6,800. Billed: 5,000 x 3.75 +
    // 1,000 x 3 + 200 x 15 = 24,750 u$; 1,500 + 5,250 + 400 x 3 + 3,000 = 10,950 u$: $0.0357.
    // compress [input] 0.5 before prompt-cache: the inferred blocks (5,000; 5,000 + 1,400) are halved
    // and re-keyed like logged ones, the rest of each prompt too: turn 1 writes 2,500 of 3,000,
    // 9,375 + 500 x 3 + 3,000 = 13,875 u$; turn 2 reads 2,500 and writes 700 of 3,400, 750 + 2,625 +
    // 200 x 3 + 3,000 = 6,975 u$: $0.02085. (Inferred after the compress step from counts it had not
    // shrunk, clamped to the compressed prompts, every input token was cached: $0.01827, overstated.)
    const r = await whatIf(
      'compressed',
      `2026-10-01T00:00:00Z,claude-sonnet-4-5,6000,200,0,5000,k1,
2026-10-01T00:01:00Z,claude-sonnet-4-5,6800,200,5000,1400,k1,
`,
      '  - use: compress\n    parts: [input]\n    ratio: 0.5\n  - use: prompt-cache\n    ttl: 5m\n',
    );
    expect(r.baseline).toBe(0.0357);
    expect(r.final).toBe(0.02085);
    expect(r.stderr).toContain('2 of 2 requests carry no prefix blocks');
  });

  it('advise judges the cache changes against the caching re-simulated, not the billed cost', async () => {
    // the Claude Code transcript: re-simulated by the plain 5-minute step its caching costs $0.1926
    // against $0.2029 billed (the second call's inferred prefix reads the 1,800 tokens the first wrote;
    // the provider wrote them again): that gap is the inference's, so "add prompt-cache" is no advice
    const r = await runCli(
      [
        'advise',
        resolve(import.meta.dirname, '../fixtures/exports/anthropic_usage_claude_code_transcript.jsonl'),
        '--format',
        'json',
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.current.cost).toBe(0.202872);
    const added = j.tried.find((t: { title: string }) => t.title.startsWith('cache prompt prefixes'));
    expect(added.cost).toBe(0.192612);
    expect(added.saving).toBe(0);
    // the 1-hour TTL: $0.196662, $0.00405 more than the re-simulated caching (not $0.00621 less than billed)
    const hour = j.tried.find((t: { kind: string }) => t.kind === 'ttl');
    expect(hour.saving).toBe(-0.00405);
    expect(j.advice).toEqual([]);
    expect(r.stderr).toContain(
      'the cache changes re-simulate its caching from prefixes inferred from those counts, so their savings are measured from its caching re-simulated by the plain 5-minute step ($0.1926), not from the billed $0.2029',
    );
    expect(j.warnings.some((w: string) => w.includes('re-simulated by the plain 5-minute step'))).toBe(true);
  });

  it('without a conversation id: what each request reports, nothing for one that reports nothing', async () => {
    // feature a: a write of 2,000, a read of 2,000, then a call that reports no cache counts (a
    // family's request that reports nothing may be short or uncached on purpose: no prefix is inferred)
    // billed: 500 x 3 + 2,000 x 3.75 + 1,500 = 10,500; 600 + 500 x 3 + 1,500 = 3,600; 2,500 x 3 + 1,500 = 9,000
    const r = await whatIf(
      'family',
      `2026-10-01T00:00:00Z,claude-sonnet-4-5,2500,100,0,2000,,a
2026-10-01T00:01:00Z,claude-sonnet-4-5,2500,100,2000,0,,a
2026-10-01T00:02:00Z,claude-sonnet-4-5,2500,100,0,0,,a
`,
      '  - use: prompt-cache\n',
    );
    expect(r.baseline).toBe(0.0231);
    expect(r.final).toBe(0.0231);
    expect(r.stderr).toContain('2 of 3 requests carry no prefix blocks');
    expect(r.stderr).toContain(
      "2 of them have no conversation id, so their turns are linked by those counts alone, which cannot tell apart turns of equal length (nor link an automatic cache's turns: it reports reads only): map the log's session or trace column to conversation_id (--map conversation_id=FIELD)",
    );
  });

  it('without conversation ids, a turn that reads exactly where an earlier turn ended continues its session', async () => {
    // two agent sessions of feature agent, interleaved, no conversation ids (Sonnet 4.5, 5m):
    // A1 writes 5,000 of 5,100: 18,750 + 300 + 1,500 = 20,550 u$; B1 reads the 2,000-token system
    // prompt and writes 3,500 of 5,600: 600 + 13,125 + 300 + 1,500 = 15,525; A2 reads A1's 5,000 and
    // writes 800 of 5,900: 1,500 + 3,000 + 300 + 1,500 = 6,300; B2 reads B1's 5,500 and writes 800 of
    // 6,400: 1,650 + 3,000 + 300 + 1,500 = 6,450. Linked, the re-simulation gives the billed cost;
    // chained per feature, B1 would read A1's 5,000 tokens as its own.
    const r = await whatIf(
      'sessions',
      `2026-10-01T00:00:00Z,claude-sonnet-4-5,5100,100,0,5000,,agent
2026-10-01T00:00:10Z,claude-sonnet-4-5,5600,100,2000,3500,,agent
2026-10-01T00:01:00Z,claude-sonnet-4-5,5900,100,5000,800,,agent
2026-10-01T00:01:10Z,claude-sonnet-4-5,6400,100,5500,800,,agent
`,
      '  - use: prompt-cache\n',
    );
    expect(r.baseline).toBe(0.048825);
    expect(r.final).toBe(0.048825);
  });

  it('a log with neither prefixes nor cache counts still says the step cannot act', async () => {
    const r = await whatIf(
      'plain',
      '2026-10-01T00:00:00Z,claude-sonnet-4-5,2500,100,,,c1,a\n',
      '  - use: prompt-cache\n',
    );
    expect(r.final).toBe(r.baseline);
    expect(r.stderr).toContain('warning[STRATEGY_NO_DATA]');
    expect(r.stderr).not.toContain('STRATEGY_INFERRED');
  });

  it('the same report on 1 and 3 threads for random logs of counts (property)', async () => {
    const { scenario: base } = loadScenarioFile(
      scenario(
        'prop',
        'prop.csv',
        '  - use: route\n    rules:\n      - { name: a-to-mini, when: { tags: { feature: a } }, to: gpt-4.1-mini, share: 0.4, quality: 0.97 }\n  - use: prompt-cache\n  - use: batch\n    only_batchable: false\n    share: 0.3\n',
      ),
      'prop.yaml',
    );
    const row = fc.record({
      gapMs: fc.integer({ min: 0, max: 400_000 }),
      model: fc.constantFrom('claude-sonnet-4-5', 'gpt-4.1'),
      input: fc.integer({ min: 1, max: 9000 }),
      read: fc.integer({ min: 0, max: 9000 }),
      write: fc.integer({ min: 0, max: 9000 }),
      conversation: fc.constantFrom('', 'c1', 'c2', 'c3', 'c4', 'c5'),
      feature: fc.constantFrom('', 'a', 'b'),
    });
    const quiet = { warn: () => {} };
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 60 }), async (rows) => {
        let t = Date.parse('2026-10-01T00:00:00Z');
        const lines = rows.map((x) => {
          const read = Math.min(x.read, x.input);
          const write = Math.min(x.write, x.input - read);
          return `${new Date((t += x.gapMs)).toISOString()},${x.model},${x.input},50,${read},${write},${x.conversation},${x.feature}`;
        });
        writeFileSync(join(dir, 'prop.csv'), `${HEADER}\n${lines.join('\n')}\n`);
        const run = async (threads: number): Promise<string> =>
          render(await simulate({ scenario: base, threads, explicitThreads: true }, quiet), 'json');
        expect(await run(3)).toBe(await run(1));
      }),
      { numRuns: 8 },
    );
  });

  it('the same report on 1, 2 and 3 threads, split by conversation and family', async () => {
    // 80 conversations of 6 turns (growing cached prefixes, a turn that reports nothing now and then),
    // and 300 calls without a conversation in 3 features (system prompts read or written), 2 models
    const rows: string[] = [];
    let t = Date.parse('2026-10-01T00:00:00Z');
    const at = (): string => new Date((t += 7_000)).toISOString();
    for (let turn = 0; turn < 6; turn++) {
      for (let c = 0; c < 80; c++) {
        const model = c % 3 === 0 ? 'gpt-4.1' : 'claude-sonnet-4-5';
        const base = 1500 + (c % 7) * 300;
        const input = base + turn * 400 + 100;
        const read = turn === 0 || (c + turn) % 5 === 0 ? 0 : base + (turn - 1) * 400;
        const write = model === 'gpt-4.1' || (c + turn) % 5 === 0 ? 0 : input - 100 - read;
        rows.push(`${at()},${model},${input},150,${read},${write},conv${c},chat`);
        if (c % 4 === 0) {
          const f = ['search', 'summarise', 'tag'][c % 3]!;
          const sys = 1200 + (c % 3) * 500;
          rows.push(`${at()},claude-sonnet-4-5,${sys + 300},80,${turn ? sys : 0},${turn ? 0 : sys},,${f}`);
        }
      }
    }
    writeFileSync(join(dir, 'many.csv'), `${HEADER}\n${rows.join('\n')}\n`);
    const file = scenario(
      'many',
      'many.csv',
      `  - use: route
    rules:
      - { name: some-to-mini, when: { tags: { feature: chat } }, to: gpt-4.1-mini, share: 0.3, quality: 0.97 }
  - use: prompt-cache
    ttl: 5m
  - use: batch
    only_batchable: false
    share: 0.2
`,
    );
    const { scenario: sc } = loadScenarioFile(file, 'many.yaml');
    const quiet = { warn: () => {} };
    const run = async (threads: number, notes: string[] = []): Promise<string> =>
      render(
        await simulate(
          { scenario: sc, standalone: true, threads, explicitThreads: true, verbose: (m) => notes.push(m) },
          quiet,
        ),
        'json',
      );
    const notes: string[] = [];
    const one = await run(1);
    expect(await run(2, notes)).toBe(one);
    expect(await run(3)).toBe(one);
    expect(notes.join('\n')).toMatch(/split into 2 parts/);
    // and the step did something: the cache step's figure is not the baseline's
    const j = JSON.parse(one);
    expect(j.requests).toBe(rows.length);
    expect(j.steps.find((s: { strategy: string }) => s.strategy === 'prompt-cache').saving).not.toBe(0);

    // a sample by prefix key takes such a log's requests one by one and says so; by default (the log
    // has no prefix keys) whole conversations are sampled, the same as --sample-by conversation_id
    const byKey = await runCli(['simulate', file, '--sample', '10%', '--sample-by', 'prefix_key', '--format', 'json'], {
      cwd: dir,
    });
    expect(byKey.code, byKey.stderr).toBe(0);
    expect(byKey.stderr).toMatch(
      /warning\[SAMPLE_SHARED_STATE\]( --sample)?: \d+ sampled requests report cache counts but have no prefix key/,
    );
    expect(byKey.stderr).toContain('hint: sample by conversation (--sample-by conversation_id)');
    const byDefault = await runCli(['simulate', file, '--sample', '10%', '--format', 'json'], { cwd: dir });
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(byDefault.stderr).toContain(
      'note: --sample: the log has no prefix keys, so whole conversations are sampled (prompt-cache infers their prefixes along them); --sample-by chooses the unit',
    );
    expect(byDefault.stderr).not.toContain('have no prefix key');
    expect(JSON.parse(byDefault.stdout).extras.sample.unit).toBe('conversation_id');
    const byConversation = await runCli(
      ['simulate', file, '--sample', '10%', '--sample-by', 'conversation_id', '--format', 'json'],
      { cwd: dir },
    );
    expect(byConversation.code, byConversation.stderr).toBe(0);
    expect(byConversation.stdout).toBe(byDefault.stdout);
    expect(byConversation.stderr).not.toContain('have no prefix key');
  });
});
