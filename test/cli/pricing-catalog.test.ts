// `pricing catalog --search`: the prices a log of those models is billed at, audio included where
// the catalog has it; W&B's ids at W&B's prices, not LiteLLM's 100,000x unit error.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('pricing catalog --search', () => {
  it('shows audio prices when a match has them (gpt-audio-mini: $10/$20 per 1M audio tokens)', async () => {
    const r = await runCli(['pricing', 'catalog', '--search', 'gpt-audio-mini']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('audio in/out');
    expect(r.stdout).toMatch(/│ gpt-audio-mini +│ openai +│ 0\.60 +│ 2\.40 +│ - +│ 10\.00\/20\.00 +│/);
    const j = JSON.parse(
      (await runCli(['pricing', 'catalog', '--search', 'gpt-audio-mini', '--format', 'json'])).stdout,
    );
    expect(j.matches.find((m: { model: string }) => m.model === 'gpt-audio-mini')).toMatchObject({
      model: 'gpt-audio-mini',
      audioInput: '10.00',
      audioOutput: '20.00',
    });
  });
  it('leaves the audio column out when no match has audio, and prices W&B at its own page', async () => {
    const r = await runCli(['pricing', 'catalog', '--search', 'llama 3.3 70b']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('audio');
    expect(r.stdout).toMatch(/│ wandb\/meta-llama\/Llama-3\.3-70B-Instruct +│ wandb +│ 0\.71 +│ 0\.71 +│/);
  });
});
