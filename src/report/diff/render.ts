// Renderers of the cost review (schema llmcost.diff/v1): a terminal table, Markdown for a pull
// request comment or a job summary, JSON. They only lay out the DiffReport (report/diff/model.ts).
import { count, displayNote, int, moneyOf, overlaysNote, signedPct } from '../format.js';
import { makeTable } from '../terminal.js';
import { mdCode, mdEscape as esc, terminalText as L } from '../text.js';
import { type Change, DIFF_TOP_N, type DiffReport, type DiffSide, type StepDiff } from './model.js';

/** "pricing `2026-11-01`", then the overlays on it */
const pricedBy = (s: DiffSide): string => `pricing ${mdCode(s.pricing)}${esc(overlaysNote(s.overlays))}`;

const pct = (c: Change): string => (c.deltaPct === null ? (c.delta === 0 ? '0.0%' : 'new') : signedPct(c.deltaPct));
const tokens = (c: Change, arrow = '→'): string => `${int(c.base)} ${arrow} ${int(c.head)}`;

function limitsText(r: DiffReport): string {
  const { usd } = moneyOf(r.display);
  const parts = [];
  if (r.limits.maxIncreasePct !== null) parts.push(`+${r.limits.maxIncreasePct}%`);
  if (r.limits.maxIncreaseUsd !== null) parts.push(`+${usd(r.limits.maxIncreaseUsd)}`);
  return parts.length ? `limit ${parts.join(' and ')} on the final cost` : 'no limit set (report only)';
}

function verdict(r: DiffReport): string {
  if (!r.checks.length) return '';
  return r.ok ? 'OK' : 'FAILED';
}

/** "12 requests, 7 days, seed 1" of a side, or of both when they agree. */
function trafficText(r: DiffReport): string {
  const one = (s: DiffReport['base']): string =>
    `${count(s.requests, 'request')} over ${s.days} day${s.days === 1 ? '' : 's'}, seed ${s.seed}`;
  const b = one(r.base);
  const h = one(r.head);
  const what = r.sameTraffic
    ? 'same traffic on both sides'
    : "each side's own traffic (they differ: the change includes the traffic's)";
  return b === h ? `${what}: ${b}` : `${what}: base ${b}; head ${h}`;
}

/** a label column, then right-aligned figures */
const RIGHT = (n: number): ('left' | 'right')[] => ['left', ...Array<'right'>(n).fill('right')];

const stepStatus = (s: StepDiff): string => (!s.base ? 'added' : !s.head ? 'removed' : '');

/** Lines whose figures moved (the rest would only repeat "unchanged"). */
const moved = <T extends Change>(xs: T[]): T[] => xs.filter((x) => x.delta !== 0);

export function renderDiffTable(r: DiffReport): string {
  const { usd, signedUsd } = moneyOf(r.display);
  const stepCell = (s: StepDiff['base']): string => (s ? usd(s.saving) : '—');
  const v = verdict(r);
  const parts = [
    `cost review: ${L(r.base.file)} -> ${L(r.head.file)} · ${limitsText(r)}${v ? ` · ${v}` : ''}`,
    L(trafficText(r)),
    ...(r.display ? [displayNote(r.display)] : []),
  ];
  const t = makeTable(['', 'base', 'head', 'change', 'change %'], RIGHT(4));
  t.push([
    'baseline (before strategies)',
    usd(r.baseline.base),
    usd(r.baseline.head),
    signedUsd(r.baseline.delta),
    pct(r.baseline),
  ]);
  t.push(['final (after strategies)', usd(r.final.base), usd(r.final.head), signedUsd(r.final.delta), pct(r.final)]);
  parts.push(t.toString());
  if (r.steps.length) {
    const s = makeTable(['step', 'base saving', 'head saving', 'change', ''], [...RIGHT(3), 'left']);
    for (const x of r.steps)
      s.push([L(x.label), stepCell(x.base), stepCell(x.head), signedUsd(x.savingDelta), stepStatus(x)]);
    parts.push(s.toString());
  }
  const c = makeTable(['token class (final)', 'base', 'head', 'change', 'change %', 'tokens (base -> head)'], RIGHT(5));
  for (const x of r.classes)
    c.push([x.label, usd(x.base), usd(x.head), signedUsd(x.delta), pct(x), x.tokens ? tokens(x.tokens, '->') : '']);
  parts.push(c.toString());
  const m = makeTable(['model (final)', 'base', 'head', 'change', 'change %'], RIGHT(4));
  for (const x of r.models) m.push([L(x.key), usd(x.base), usd(x.head), signedUsd(x.delta), pct(x)]);
  parts.push(m.toString());
  for (const d of r.by) {
    const b = makeTable([`${L(d.dimension)} (final)`, 'base', 'head', 'change', 'change %'], RIGHT(4));
    for (const x of d.rows.slice(0, DIFF_TOP_N))
      b.push([L(x.key), usd(x.base), usd(x.head), signedUsd(x.delta), pct(x)]);
    if (d.more) b.push([`… and ${d.more.count} more`, usd(d.more.base), usd(d.more.head), signedUsd(d.more.delta), '']);
    parts.push(b.toString());
  }
  for (const m of r.headChecksFailed) parts.push(`head scenario check: ${L(m)}`);
  return parts.join('\n');
}

function mdRows(head: string, rows: string[][]): string[] {
  const cols = head.split('|').length - 2;
  return [head, `|---|${'---:|'.repeat(cols - 1)}`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export function renderDiffMd(r: DiffReport): string {
  const { usd, signedUsd } = moneyOf(r.display);
  const stepCell = (s: StepDiff['base']): string => (s ? usd(s.saving) : '—');
  const v = verdict(r);
  const lines = [
    `### LLM cost review: ${mdCode(r.base.file)} → ${mdCode(r.head.file)}`,
    '',
    `**${signedUsd(r.final.delta)}** (${pct(r.final)}) on the final cost: ${usd(r.final.base)} → ${usd(r.final.head)}${v ? ` · **${v}** (${limitsText(r)})` : ''}`,
    '',
    `${esc(trafficText(r))}.`,
    '',
    ...(r.display ? [`_${esc(displayNote(r.display))}_`, ''] : []),
    ...mdRows('| | base | head | change | change % |', [
      [
        'baseline (before strategies)',
        usd(r.baseline.base),
        usd(r.baseline.head),
        signedUsd(r.baseline.delta),
        pct(r.baseline),
      ],
      ['**final** (after strategies)', usd(r.final.base), usd(r.final.head), signedUsd(r.final.delta), pct(r.final)],
    ]),
  ];
  const steps = r.steps.filter((s) => s.savingDelta !== 0 || !s.base || !s.head);
  if (steps.length)
    lines.push(
      '',
      '**Steps whose saving changed**',
      '',
      ...mdRows(
        '| step | base saving | head saving | change in saving | |',
        steps.map((s) => [esc(s.label), stepCell(s.base), stepCell(s.head), signedUsd(s.savingDelta), stepStatus(s)]),
      ),
    );
  const classes = moved(r.classes);
  if (classes.length)
    lines.push(
      '',
      '**By token class** (final cost)',
      '',
      ...mdRows(
        '| token class | base | head | change | change % | tokens (base → head) |',
        classes.map((c) => [
          c.label,
          usd(c.base),
          usd(c.head),
          signedUsd(c.delta),
          pct(c),
          c.tokens ? tokens(c.tokens) : '',
        ]),
      ),
    );
  const models = moved(r.models);
  if (models.length)
    lines.push(
      '',
      '**By model** (final cost)',
      '',
      ...mdRows(
        '| model | base | head | change | change % |',
        models.map((m) => [esc(m.key), usd(m.base), usd(m.head), signedUsd(m.delta), pct(m)]),
      ),
    );
  for (const d of r.by) {
    const rows = moved(d.rows);
    if (!rows.length) continue;
    lines.push(
      '',
      `<details><summary>By ${esc(d.dimension)} (final cost, ${rows.length} key${rows.length === 1 ? '' : 's'} changed)</summary>`,
      '',
      ...mdRows(`| ${esc(d.dimension)} | base | head | change | change % |`, [
        ...rows.slice(0, DIFF_TOP_N).map((x) => [esc(x.key), usd(x.base), usd(x.head), signedUsd(x.delta), pct(x)]),
        ...(d.more
          ? [[`… and ${d.more.count} more`, usd(d.more.base), usd(d.more.head), signedUsd(d.more.delta), '']]
          : []),
      ]),
      '',
      '</details>',
    );
  }
  const failed = r.checks.filter((c) => !c.ok);
  if (failed.length) lines.push('', '**Failed checks**', '', ...failed.map((c) => `- ${c.name}: ${esc(c.message)}`));
  if (r.headChecksFailed.length)
    lines.push(
      '',
      "**Head scenario's own checks** (budgets, quality floor)",
      '',
      ...r.headChecksFailed.map((m) => `- ${esc(m)}`),
    );
  lines.push(
    '',
    `<sub>llmcost diff · base ${mdCode(r.base.scenario)} (${pricedBy(r.base)}) vs head ${mdCode(r.head.scenario)} (${pricedBy(r.head)}) · baseline = before strategies, final = after</sub>`,
  );
  return lines.join('\n');
}

export const DIFF_RENDERERS = {
  table: renderDiffTable,
  md: renderDiffMd,
  json: (r: DiffReport): string => JSON.stringify(r, null, 2),
};
