// End to end: `llmcost advise`. Every listed saving must be what `simulate` gives for the scenario
// edited by hand - the advisor's claim is re-verified here by an independent run.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FAMILIES = 'test/fixtures/advise/families.yaml';

interface Advice {
  kind: string;
  title: string;
  change: { action: string; step: string | null; yaml: string };
  cost: number;
  saving: number;
  condition: string | null;
}

async function adviseJson(...args: string[]) {
  const r = await runCli(['advise', ...args, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { current: { cost: number }; advice: Advice[]; tried: Advice[] };
}

/** `simulate` of a scenario file written into a temporary copy of its folder. */
async function simulateText(yaml: string, name = 'edited.yaml'): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'llmcost-advise-'));
  writeFileSync(join(dir, name), yaml);
  const r = await runCli(['simulate', name, '--format', 'json'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).final.cost;
}

describe('llmcost advise', () => {
  it('finds the per-family TTL (ttls), and its saving is what simulate gives for the edited scenario', async () => {
    const j = await adviseJson(FAMILIES);
    const byTitle = new Map(j.tried.map((t) => [t.title, t]));
    const global = byTitle.get('1-hour cache TTL for all traffic')!;
    const digest = byTitle.get("1-hour TTL for prompt_version 'digest-v1' only")!;
    const chat = byTitle.get("1-hour TTL for prompt_version 'chat-v1' only")!;
    // chat comes back every minute: one write all day either way, 10,000 tokens x ($6.00 - $3.75) / 1M
    // more for the 1-hour write = $0.0225; so the global 1h saves exactly that much less than digest's alone
    expect(chat.saving).toBe(-0.0225);
    expect(Math.round((digest.saving - global.saving) * 1e6)).toBe(22_500);
    expect(j.advice[0]!.title).toBe("1-hour TTL for prompt_version 'digest-v1' only");
    expect(j.advice[0]!.change).toEqual({
      action: 'set',
      step: 'strategies[0] (prompt-cache)',
      yaml: 'ttl_by: prompt_version\nttls: { "digest-v1": 1h }',
    });
    // the claim, checked by hand: the scenario with that change, simulated on its own
    const text = readFileSync(join(ROOT, FAMILIES), 'utf8');
    const edited = text.replace(
      '    scope: system\n',
      '    scope: system\n    ttl_by: prompt_version\n    ttls: { "digest-v1": 1h }\n',
    );
    expect(edited).not.toBe(text);
    expect(await simulateText(edited)).toBe(j.advice[0]!.cost);
    expect(Math.round((j.current.cost - j.advice[0]!.cost) * 1e6) / 1e6).toBe(j.advice[0]!.saving);
    // every alternative that costs more is not advice
    expect(j.advice.every((a) => a.saving > 0)).toBe(true);
    expect(j.tried.some((t) => t.saving < 0)).toBe(true);
  });

  it('support-bot: tries TTLs, per-family TTLs, breakpoints and batch per feature; the top saving re-verified', async () => {
    // on 2 threads: the profile generated once, the 13 alternatives over it in parallel (the same figures as on 1)
    const j = await adviseJson('scenarios/support-bot.yaml', '--threads', '2');
    expect(new Set(j.tried.map((t) => t.kind))).toEqual(
      new Set(['cache', 'ttl', 'family-ttl', 'breakpoints', 'batch']),
    );
    expect(j.advice.length).toBeGreaterThan(0);
    const top = j.advice[0]!;
    expect(top.change.action).toBe('add');
    expect(top.condition).toMatch(/can wait up to 24 hours/);
    const text = readFileSync(join(ROOT, 'scenarios/support-bot.yaml'), 'utf8');
    const item = top.change.yaml.replace(/^/gm, '  ');
    const edited = text.replace('  - use: dedupe-retries\n', `  - use: dedupe-retries\n${item}\n`);
    expect(edited).not.toBe(text);
    expect(await simulateText(edited, 'support-bot.yaml')).toBe(top.cost);
  }, 300_000); // 14 runs of 86,197 requests, and one simulate: ~7 s on an idle machine

  it('a real trace: the Mooncake slice as a scenario (a verified saving) and as a bare log (None)', async () => {
    const s = await adviseJson('scenarios/mooncake-blocks.yaml');
    expect(s.advice.length).toBeGreaterThan(0);
    const removed = s.advice.find((a) => a.change.action === 'remove')!;
    expect(removed.change.step).toBe('strategies[0] (prompt-cache)');
    // without the step, the run is the scenario's own baseline (the cost before any strategy)
    const sim = await runCli(['simulate', 'scenarios/mooncake-blocks.yaml', '--format', 'json']);
    expect(JSON.parse(sim.stdout).baseline.cost).toBe(removed.cost);
    const log = await runCli([
      'advise',
      'scenarios/traces/mooncake_conversation_trace.first10min.jsonl.gz',
      '--preset',
      'mooncake',
      '--model',
      'claude-sonnet-4-5',
      '--format',
      'md',
    ]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain('**None**: no change the advisor tried costs less than the scenario as written.');
    // the table header names a log once (its scenario is named after the file)
    const table = await runCli(['advise', 'scenarios/logs/support-bot.csv']);
    expect(table.stdout.split('\n')[0]).toBe('advise: scenarios/logs/support-bot.csv');
  });

  it('the traffic read once, the alternatives run over it together: the same advice on 1 and 2 threads', async () => {
    const one = await runCli(['advise', FAMILIES, '--format', 'json', '--threads', '1']);
    const two = await runCli(['advise', FAMILIES, '--format', 'json', '--threads', '2', '--verbose']);
    expect(one.code, one.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    // the scenario as written, then its alternatives over one read of the profile (the combined
    // families, if any, after: one run alone)
    expect(two.stderr).toMatch(
      /note: \d+ configurations over one read of the profile \(1,512 requests\), on 2 threads/,
    );
  });

  it('a log without a cache step: the cache changes are judged against the plain 5-minute step they all add', async () => {
    const j = await adviseJson('scenarios/logs/support-bot.csv');
    const titles = j.advice.map((a) => a.title);
    // only the families a 1-hour TTL helps beyond plain caching are combined
    expect(titles).toContain("per-family TTLs for 'support-v4', 'support-v3' together");
    // equal costs: the plain step first; a family TTL that gains nothing is marked as costing the same
    const plain = titles.indexOf('cache prompt prefixes (prompt-cache, 5-minute TTL)');
    const cls = j.advice.find((a) => a.title === "1-hour TTL for prompt_version 'cls-v2' only")! as Advice & {
      sameAs: number | null;
    };
    expect(plain).toBeGreaterThanOrEqual(0);
    expect(cls.cost).toBe(j.advice[plain]!.cost);
    expect(cls.sameAs).toBe(plain + 1);
  });

  it("warns PRICING_STALE as simulate does, on the traffic's last date; --stale-after moves the limit", async () => {
    // a log of 2027-09-20 priced by the newest bundled table (2026-11-18): 306 days older
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-advise-'));
    writeFileSync(
      join(dir, 'late.csv'),
      'timestamp,request_id,model,input_tokens,output_tokens\n2027-09-20T09:00:00Z,a,gpt-4o,2000,100\n',
    );
    writeFileSync(join(dir, 'late.yaml'), 'name: late\ntraffic:\n  log:\n    file: late.csv\nstrategies: []\n');
    const r = await runCli(['advise', 'late.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning[PRICING_STALE]');
    expect(r.stderr).toContain('306 days older than 2027-09-20');
    const wide = await runCli(['advise', 'late.yaml', '--stale-after', '400'], { cwd: dir });
    expect(wide.code, wide.stderr).toBe(0);
    expect(wide.stderr).not.toContain('PRICING_STALE');
  });

  it('bad input: a missing file, a bad --max-families (exit 2)', async () => {
    expectUserError(await runCli(['advise', 'nope.yaml']), 'nope.yaml');
    expectUserError(await runCli(['advise', FAMILIES, '--max-families', '0']), '--max-families');
  });
});
