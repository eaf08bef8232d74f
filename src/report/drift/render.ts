// Renderers of the drift report (schema llmcost.drift/v1): table, Markdown for a PR comment, JSON.
// They only read the DriftReport; every number is computed in engine/drift.ts.
import { type DriftReport, driftWarnings, type MoneyPair, type ScenarioDrift } from './model.js';
import { type Display, displayNote, int, moneyOf, signedPct as signedPctWith } from '../format.js';
import { makeTable } from '../terminal.js';
import { mdCode, mdEscape as esc, terminalText } from '../text.js';

export interface DriftRenderOptions {
  /** list only scenarios whose final cost went up (or became unknown); '' when none did */
  onlyIncreases?: boolean;
}

/** drift shows percent changes to 2 decimals */
const signedPct = (x: number | null): string => signedPctWith(x, 2);
const L = (s: string): string => terminalText(s);
const pair = (p: MoneyPair, d: Display | undefined): string => {
  const { usd } = moneyOf(d);
  return `${usd(p.old)} → ${usd(p.new)}`;
};

function went(s: ScenarioDrift): boolean {
  return s.final.new === null || (s.final.delta !== null && s.final.delta > 0);
}

function status(r: DriftReport, s: ScenarioDrift): string {
  const failed = r.checks.filter((c) => c.scenario === s.scenario && !c.ok);
  if (failed.some((c) => c.name === 'priced')) return 'FAIL: unpriced';
  if (failed.length) return 'FAIL: over limit';
  if (s.final.old === null) return 'not comparable (new model)';
  return s.final.delta !== null && s.final.delta > 0
    ? 'up'
    : s.final.delta !== null && s.final.delta < 0
      ? 'down'
      : s.final.delta === 0
        ? 'unchanged'
        : 'unknown';
}

function limitsText(r: DriftReport): string {
  const { usd } = moneyOf(r.display);
  const parts = [];
  if (r.limits.maxIncreasePct !== null) parts.push(`+${r.limits.maxIncreasePct}%`);
  if (r.limits.maxIncreaseUsd !== null) parts.push(`+${usd(r.limits.maxIncreaseUsd)}`);
  return parts.length ? `limit ${parts.join(' and ')} on each scenario's final cost` : 'no limit set (report only)';
}

/** The models that drove a scenario's change: non-zero (or unknown) final deltas, largest first. */
function drivers(s: ScenarioDrift): ScenarioDrift['models'] {
  return s.models.filter(
    (m) => m.final.delta === null || m.final.delta !== 0 || m.baseline.delta === null || m.baseline.delta !== 0,
  );
}

function shown(r: DriftReport, o: DriftRenderOptions): ScenarioDrift[] {
  return o.onlyIncreases ? r.scenarios.filter(went) : r.scenarios;
}

export function renderDriftTable(r: DriftReport, o: DriftRenderOptions = {}): string {
  const { usd, signedUsd } = moneyOf(r.display);
  const list = shown(r, o);
  if (o.onlyIncreases && !list.length) return '';
  const head = `cost drift: pricing ${L(r.baseline.version)} -> ${L(r.current.version)} · ${r.scenarios.length} scenario${r.scenarios.length === 1 ? '' : 's'} · ${limitsText(r)} · ${r.ok ? 'OK' : 'FAILED'}${r.display ? `\n${displayNote(r.display)}` : ''}`;
  const t = makeTable([
    'scenario',
    'requests',
    'baseline old -> new',
    'final old',
    'final new',
    'change',
    'change %',
    'status',
  ]);
  for (const s of list)
    t.push([
      L(s.scenario),
      int(s.requests),
      pair(s.baseline, r.display).replace('→', '->'),
      usd(s.final.old),
      usd(s.final.new),
      signedUsd(s.final.delta),
      signedPct(s.final.deltaPct),
      status(r, s),
    ]);
  const parts = [head, t.toString()];
  for (const s of list) {
    const d = drivers(s);
    if (!d.length) continue;
    const m = makeTable([`${L(s.scenario)}: model`, 'final old', 'final new', 'change', 'change %']);
    for (const x of d)
      m.push([L(x.model), usd(x.final.old), usd(x.final.new), signedUsd(x.final.delta), signedPct(x.final.deltaPct)]);
    parts.push(m.toString());
    for (const u of s.unpriced)
      parts.push(
        `  ${u.table === 'current' ? 'UNPRICED' : 'unpriced'} in the ${u.table} table: ${L(u.model)}: ${L(u.reason)}`,
      );
  }
  if (list.length > 1)
    parts.push(
      `total final cost: ${pair(r.total, r.display).replace('→', '->')} (${signedUsd(r.total.delta)}, ${signedPct(r.total.deltaPct)})`,
    );
  const warned = driftWarnings(r);
  if (warned.length)
    parts.push('', 'Warnings', ...warned.map((w) => `! ${L(`${w.code ? `[${w.code}] ` : ''}${w.message}`)}`));
  return parts.join('\n');
}

export function renderDriftMd(r: DriftReport, o: DriftRenderOptions = {}): string {
  const { signedUsd } = moneyOf(r.display);
  const list = shown(r, o);
  if (o.onlyIncreases && !list.length) return '';
  const failed = r.checks.filter((c) => !c.ok);
  const failedScenarios = new Set(failed.map((c) => c.scenario));
  const lines = [
    `### LLM cost drift: pricing ${mdCode(r.baseline.version)} → ${mdCode(r.current.version)}`,
    '',
    r.ok
      ? `**OK**: every check passed (${limitsText(r)}).`
      : `**FAILED**: ${failedScenarios.size} of ${r.scenarios.length} scenario${r.scenarios.length === 1 ? '' : 's'} failed a check (${limitsText(r)}).`,
    '',
    ...(r.display ? [`_${esc(displayNote(r.display))}_`, ''] : []),
    '| scenario | requests | baseline (old → new) | final (old → new) | change | change % | status |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...list.map(
      (s) =>
        `| ${esc(s.scenario)} | ${int(s.requests)} | ${pair(s.baseline, r.display)} | ${pair(s.final, r.display)} | ${signedUsd(s.final.delta)} | ${signedPct(s.final.deltaPct)} | ${status(r, s)} |`,
    ),
  ];
  if (list.length > 1)
    lines.push(
      `| **total** | | | ${pair(r.total, r.display)} | ${signedUsd(r.total.delta)} | ${signedPct(r.total.deltaPct)} | |`,
    );
  const withDrivers = list.filter((s) => drivers(s).length);
  if (withDrivers.length) {
    lines.push('', '<details><summary>Models that drove the change</summary>', '');
    for (const s of withDrivers) {
      lines.push(
        `**${esc(s.scenario)}**`,
        '',
        '| model | final (old → new) | change | change % |',
        '|---|---:|---:|---:|',
      );
      for (const m of drivers(s))
        lines.push(
          `| ${esc(m.model)} | ${pair(m.final, r.display)} | ${signedUsd(m.final.delta)} | ${signedPct(m.final.deltaPct)} |`,
        );
      lines.push('');
    }
    lines.push('</details>');
  }
  const unpriced = list.flatMap((s) =>
    s.unpriced.map(
      (u) => `- ${mdCode(s.scenario)}: ${mdCode(u.model)} cannot be priced by the ${u.table} table (${esc(u.reason)})`,
    ),
  );
  if (unpriced.length) lines.push('', '**Unpriced** (cost unknown, never counted as $0):', '', ...unpriced);
  if (failed.length)
    lines.push(
      '',
      '**Failed checks**',
      '',
      ...failed.map((c) => `- ${mdCode(c.scenario)} ${esc(c.name)}: ${esc(c.message)}`),
    );
  const warned = driftWarnings(r);
  if (warned.length)
    lines.push(
      '',
      `<details><summary>Warnings (${warned.length})</summary>`,
      '',
      ...warned.map((w) => `- ${w.code ? `${mdCode(w.code)} ` : ''}${esc(w.message)}`),
      '',
      '</details>',
    );
  lines.push(
    '',
    `<sub>llmcost drift · the same simulated traffic priced under both tables (baseline = before strategies, final = after)</sub>`,
  );
  return lines.join('\n');
}

export const DRIFT_RENDERERS = {
  table: renderDriftTable,
  md: renderDriftMd,
  json: (r: DriftReport): string => JSON.stringify(r, null, 2),
};
