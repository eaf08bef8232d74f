// The cache advisor's report (schema llmcost.advise/v1): the scenario as written, every
// alternative the advisor simulated, and the ones that cost less - each with the saving its own
// run measured. Built once (buildAdviseReport); the renderers only lay it out.
import { count, pct, usd } from './format.js';
import type { Report } from './model.js';
import { makeTable } from './terminal.js';
import { mdCode, mdEscape as esc, terminalText, terminalText as L } from './text.js';

export const ADVISE_SCHEMA = 'llmcost.advise/v1';

export interface Candidate {
  kind: 'cache' | 'ttl' | 'family-ttl' | 'breakpoints' | 'batch';
  title: string;
  /**
   * the scenario change: `set` these YAML keys on `step` (e.g. "strategies[2] (prompt-cache)"),
   * `add` this YAML item to the strategies list (at the end), or `remove` `step`
   */
  change: { action: 'set' | 'add' | 'remove'; step: string | null; yaml: string };
  /** what must hold for the change to be acceptable (e.g. a feature that can wait for the batch) */
  condition: string | null;
  /** final cost with the change (USD) */
  cost: number;
  /** current final cost minus this one (USD, exact on the reports' micro-dollars); > 0 saves */
  saving: number;
  /** final success rate with the change, 0..1 */
  successRate: number;
  /** the scenario's budgets / quality floor that fail with the change */
  checksFailed: string[];
}

export interface AdviseReport {
  schema: typeof ADVISE_SCHEMA;
  tool: { name: 'llmcost'; version: string };
  input: string;
  scenario: string;
  seed: number;
  requests: number;
  days: number;
  familyBy: string;
  current: { cost: number; successRate: number; checksFailed: string[] };
  /** changes that cost less, largest saving first; sameAs = the number (1-based) of an earlier one with the same cost */
  advice: (Candidate & { savingPct: number; sameAs: number | null })[];
  /** every alternative simulated, in the order tried */
  tried: Candidate[];
  warnings: string[];
}

/** Simplest first: adding (or removing) the cache step, one TTL, one family's TTL, breakpoints, batch. */
const KIND_ORDER: Record<Candidate['kind'], number> = { cache: 0, ttl: 1, 'family-ttl': 2, breakpoints: 3, batch: 4 };

export function buildAdviseReport(input: {
  input: string;
  familyBy: string;
  current: Report;
  tried: Candidate[];
  /** the advisor's own warnings, after the scenario's */
  notes?: string[];
  version: string;
}): AdviseReport {
  const c = input.current;
  const base = Math.round(c.final.cost * 1e6);
  return {
    schema: ADVISE_SCHEMA,
    tool: { name: 'llmcost', version: input.version },
    input: input.input,
    scenario: c.scenario,
    seed: c.seed,
    requests: c.requests,
    days: c.period.days,
    familyBy: input.familyBy,
    current: {
      cost: c.final.cost,
      successRate: c.final.successRate,
      checksFailed: c.checks.filter((x) => !x.ok).map((x) => x.name),
    },
    advice: input.tried
      .filter((t) => t.saving > 0)
      // equal savings: the simplest change first (the others then say "same cost as" it)
      .sort((a, b) => b.saving - a.saving || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.title < b.title ? -1 : 1))
      .map((t, i, all) => {
        const first = all.findIndex((x) => x.cost === t.cost);
        return {
          ...t,
          savingPct: base === 0 ? 0 : Math.round(((t.saving * 1e6) / base) * 100 * 1e4) / 1e4,
          sameAs: first < i ? first + 1 : null,
        };
      }),
    tried: input.tried,
    warnings: [...c.warnings, ...(input.notes ?? [])],
  };
}

const headline = (r: AdviseReport): string =>
  `${count(r.requests, 'request')} over ${r.days} day${r.days === 1 ? '' : 's'}, seed ${r.seed}: final cost as written ${usd(r.current.cost)}; ${r.tried.length} alternatives simulated`;

type Advice = AdviseReport['advice'][number];

const note = (a: Advice): string =>
  [
    a.sameAs !== null ? `same cost as #${a.sameAs}` : null,
    a.condition,
    a.checksFailed.length ? `fails ${a.checksFailed.join(', ')}` : null,
  ]
    .filter(Boolean)
    .join('; ');

/** What to do, in words: where the YAML goes. */
const how = (c: Candidate['change']): string =>
  c.action === 'set' ? `in ${c.step} set` : c.action === 'add' ? 'add to strategies' : `remove ${c.step}`;

export function renderAdviseTable(r: AdviseReport): string {
  // a log's scenario is named after its file: said once
  const named = r.scenario === r.input.split(/[\\/]/).pop() ? '' : ` (${L(r.scenario)})`;
  const parts = [`advise: ${L(r.input)}${named}`, L(headline(r))];
  if (!r.advice.length) {
    parts.push('no change the advisor tried costs less than the scenario as written (see --format json for every run)');
    return parts.join('\n');
  }
  const t = makeTable(
    ['#', 'change', 'final cost', 'saving', 'saving %', 'success', 'note'],
    ['right', 'left', 'right', 'right', 'right', 'right', 'left'],
  );
  r.advice.forEach((a, i) => {
    t.push([
      String(i + 1),
      L(a.title),
      usd(a.cost),
      usd(a.saving),
      pct(a.savingPct),
      pct(a.successRate * 100),
      L(note(a)),
    ]);
  });
  parts.push(t.toString(), 'how to apply each:');
  r.advice.forEach((a, i) => {
    parts.push(`  ${i + 1}. ${L(how(a.change))}${a.change.yaml ? ':' : ''}`);
    for (const line of a.change.yaml ? a.change.yaml.split('\n') : []) parts.push(`       ${L(line)}`);
  });
  return parts.join('\n');
}

export function renderAdviseMd(r: AdviseReport): string {
  const lines = [`### llmcost advise: ${mdCode(r.input)}`, '', `${esc(headline(r))}.`, ''];
  if (!r.advice.length) {
    lines.push('**None**: no change the advisor tried costs less than the scenario as written.');
    return lines.join('\n');
  }
  lines.push(
    '| # | change | final cost | saving | saving % | success | note |',
    '|---:|---|---:|---:|---:|---:|---|',
    ...r.advice.map(
      (a, i) =>
        `| ${i + 1} | ${esc(a.title)} | ${usd(a.cost)} | ${usd(a.saving)} | ${pct(a.savingPct)} | ${pct(a.successRate * 100)} | ${esc(note(a))} |`,
    ),
    '',
    ...r.advice.flatMap((a, i) => [
      `${i + 1}. ${esc(a.title)}: ${esc(how(a.change))}`,
      ...(a.change.yaml ? ['', '```yaml', terminalText(a.change.yaml, { lines: true }), '```'] : []),
      '',
    ]),
  );
  return lines.join('\n');
}

export const ADVISE_RENDERERS = {
  table: renderAdviseTable,
  md: renderAdviseMd,
  json: (r: AdviseReport): string => JSON.stringify(r, null, 2),
};
