// A profile whose requests outgrow the model's context window: requests the API would refuse, so an
// error (exit 2) located at the segment's turns or input_tokens, naming the largest and the window.
// (A log's rows over the window only warn: test/unit/bill-dimensions.test.ts.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmcost-window-'));
const scenario = (system: number, turns: number): string => {
  const file = join(dir, `s-${system}-${turns}.yaml`);
  writeFileSync(
    file,
    `name: window
pricing: { version: "2026-11-01" }
traffic:
  profile:
    days: 1
    start: 2026-11-02
    requests_per_day: 30
    segments:
      - name: long-chat
        model: claude-sonnet-4-5
        system_tokens: ${system}
        input_tokens: { fixed: 30000 }
        output_tokens: { fixed: 1000 }
        turns: { fixed: ${turns} }
        think_time_s: { fixed: 10 }
`,
  );
  return file;
};

describe('profiles over the context window', () => {
  it('a conversation that grows past 200,000 tokens: an error at the segment turns, every second turn over it (211,000 tokens)', async () => {
    // turn 1: 150,000 + 30,000 = 180,000 fits; turn 2: 150,000 + 31,000 history + 30,000 = 211,000 does not
    const r = await runCli(['simulate', scenario(150_000, 2), '--format', 'json']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /error\[OVER_CONTEXT_WINDOW\] .*s-150000-2\.yaml:14:16: segment 'long-chat': (\d+) request\(s\) .* claude-sonnet-4-5's 200,000-token context window \(largest 211,000; \1 grown/,
    );
    expect(r.stderr).toContain('hint: fewer turns');
    expect(r.stderr).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack trace
  });
  it('a first message over the window is an error at input_tokens; a profile within it says nothing', async () => {
    // 180,000 + 30,000 = 210,000 on every (first and only) turn
    const r = await runCli(['simulate', scenario(180_000, 1), '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/s-180000-1\.yaml:12:23: .*30 request\(s\).*largest 210,000; 0 grown/);
    expect(r.stderr).toContain('hint: smaller input_tokens');
    const ok = await runCli(['simulate', scenario(100_000, 1), '--format', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).not.toContain('OVER_CONTEXT_WINDOW');
  });
});
