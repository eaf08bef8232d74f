import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/config/scenario.js';
import { EXAMPLE_SCENARIO } from '../../src/app/init.js';

const BASE = `name: t
traffic:
  profile:
    requests_per_day: 100
    segments:
      - name: chat
        model: claude-sonnet-4-5
        input_tokens: 10
        output_tokens: 5
`;

function load(text: string) {
  return parseScenarioText(text, 's.yaml', '/base/dir');
}

describe('scenario loader', () => {
  it('loads a minimal scenario with defaults', () => {
    const r = load(BASE);
    expect(r.errors).toEqual([]);
    expect(r.value!.name).toBe('t');
    expect(r.value!.seed).toBe(1);
    expect(r.value!.stages).toEqual([]);
    expect(r.value!.traffic.profile!.days).toBe(1);
    expect(r.value!.traffic.profile!.arrivals).toBe('poisson');
  });

  it('one duration rule: old _ms spellings still load, with a located DEPRECATED_OPTION warning', () => {
    const r = load(
      `${BASE}strategies:\n  - use: batch\n    window_ms: 24h\n  - use: prompt-cache\n    ready_delay_ms: 2000\n`,
    );
    expect(r.errors).toEqual([]);
    expect(r.value!.stages.map((s) => s.options)).toMatchObject([{ window: 86_400_000 }, { ready_delay: 2000 }]);
    const w = r.warnings.filter((d) => d.code === 'DEPRECATED_OPTION');
    expect(w.map((d) => [d.where, d.message.split(' (')[0]])).toEqual([
      ['s.yaml:12:16', "option 'window_ms' of 'batch' is now 'window'"],
      ['s.yaml:14:21', "option 'ready_delay_ms' of 'prompt-cache' is now 'ready_delay'"],
    ]);
    const both = load(`${BASE}strategies:\n  - use: batch\n    window_ms: 1h\n    window: 2h\n`);
    expect(both.errors.map((d) => d.code)).toEqual(['SCHEMA']);
  });

  it('unknown keys: file:line:col and did-you-mean', () => {
    const r = load(BASE.replace('requests_per_day', 'request_per_day'));
    const e = r.errors.find((d) => d.code === 'UNKNOWN_KEY')!;
    expect(e.where).toBe('s.yaml:4:5');
    expect(e.message).toContain("'request_per_day'");
    expect(e.hint).toContain("did you mean 'requests_per_day'");
  });

  it('a typo in a distribution is located', () => {
    const r = load(BASE.replace('input_tokens: 10', 'input_tokens: { lognormal: { mean: 10, p59: 30 } }'));
    expect(r.value).toBeUndefined();
    expect(r.errors.some((d) => d.where === 's.yaml:8:9' || d.where?.startsWith('s.yaml:8:'))).toBe(true);
  });

  it('unknown strategy: did-you-mean, located at the item', () => {
    const r = load(`${BASE}strategies:\n  - use: prompt-cach\n`);
    const e = r.errors[0]!;
    expect(e.code).toBe('UNKNOWN_STRATEGY');
    expect(e.where).toBe('s.yaml:11:10');
    expect(e.hint).toContain("did you mean 'prompt-cache'");
  });

  it("strategy options are checked with the strategy's own schema and name the owner", () => {
    const r = load(`${BASE}strategies:\n  - use: prompt-cache\n    tll: 5m\n  - use: batch\n    share: 3\n`);
    const unknown = r.errors.find((d) => d.code === 'UNKNOWN_KEY')!;
    expect(unknown.message).toContain("unknown option 'tll' for strategy 'prompt-cache'");
    expect(unknown.where).toMatch(/^s\.yaml:12:/);
    expect(unknown.hint).toContain("did you mean 'ttl'");
    const bad = r.errors.find((d) => d.code === 'SCHEMA')!;
    expect(bad.message).toContain("strategy 'batch'");
    expect(bad.where).toMatch(/^s\.yaml:14:/);
  });

  it('reports every problem at once', () => {
    const r = load(`${BASE.replace('name: chat', 'nme: chat')}strategies:\n  - use: nope\nbudgets: { per_day: "3" }\n`);
    expect(r.errors.length).toBeGreaterThanOrEqual(3);
  });

  it('traffic needs exactly one of profile or log; pricing exactly one of file/version/as_of', () => {
    expect(load('name: t\ntraffic: {}\n').errors[0]!.message).toMatch(/exactly one of profile .* or log/);
    expect(load(`${BASE}pricing: { version: "2026-11-01", as_of: 2026-01-01 }\n`).errors[0]!.message).toMatch(
      /exactly one of file, version or as_of/,
    );
  });

  it('cross-field profile rules are located', () => {
    const r = load(
      BASE.replace('    requests_per_day: 100\n', '    requests_per_day: 100\n    conversations_per_day: 5\n'),
    );
    expect(r.errors[0]!.message).toMatch(/exactly one of requests_per_day or conversations_per_day/);
    expect(r.errors[0]!.where).toBe('s.yaml:4:5');
  });

  it('relative paths resolve from the scenario file', () => {
    const r = load('name: t\npricing: { file: ../p.yaml }\ntraffic:\n  log: { file: logs/a.csv, rejects: rej.csv }\n');
    expect(r.errors).toEqual([]);
    expect(r.value!.pricing!.file).toBe('/base/p.yaml');
    expect(r.value!.traffic.log!.file).toBe('/base/dir/logs/a.csv');
    expect(r.value!.traffic.log!.rejectsFile).toBe('/base/dir/rej.csv');
  });

  it('a misspelt attribution dimension is a located warning with did-you-mean', () => {
    const r = load(`${BASE}report: { by: [tenant, featur] }\n`);
    expect(r.errors).toEqual([]);
    expect(r.warnings[0]!.where).toBe('s.yaml:10:24'); // 'report: { by: [tenant, ' is 23 characters
    expect(r.warnings[0]!.hint).toContain("did you mean 'feature'");
  });

  it('repeated strategies need distinct labels', () => {
    const r = load(`${BASE}strategies:\n  - use: dedupe-retries\n  - use: dedupe-retries\n`);
    expect(r.errors[0]!.message).toContain("two strategies are labelled 'dedupe-retries'");
  });

  it('the init example and every bundled scenario load without errors', () => {
    expect(load(EXAMPLE_SCENARIO).errors).toEqual([]);
    const dir = join(import.meta.dirname, '../../scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const f of files) {
      const r = parseScenarioText(readFileSync(join(dir, f), 'utf8'), f, dir);
      expect(r.errors, f).toEqual([]);
      expect(r.warnings, f).toEqual([]);
    }
  });
});
