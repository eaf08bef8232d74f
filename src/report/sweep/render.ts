// Renderers of the sweep report (table, Markdown, CSV, HTML with an SVG line chart, JSON): layout
// only; every figure is in the SweepReport (./model.ts).
import { Chalk } from 'chalk';
import { type Display, displayNote, moneyOf, pct, ratioPct } from '../format.js';
import { csvLines } from '../../shared/csv.js';
import { htmlPage } from '../html.js';
import { htmlEscape as esc, mdEscape, terminalText } from '../text.js';
import { makeTable } from '../terminal.js';
import type { SweepChart, SweepReport, SweepRunRow } from './model.js';

const checksText = (r: SweepRunRow): string => (r.checksOk ? 'ok' : `FAIL: ${r.failed.join(', ')}`);

function headline(s: SweepReport): string {
  const { usd } = moneyOf(s.display);
  const n = s.runs.length;
  const best = s.cheapest === null ? undefined : s.runs[s.cheapest];
  const floor =
    s.qualityFloor === null ? 'its checks' : `the quality floor ${ratioPct(s.qualityFloor, 2)} and its checks`;
  return best
    ? `cheapest configuration meeting ${floor}: #${best.index + 1} ${best.assignments.map((a) => `${a.path}=${a.value}`).join(', ')} — final ${usd(best.finalCost)} (saving ${pct(best.savingPct)} of ${usd(best.baselineCost)})`
    : `no configuration of the ${n} meets ${floor}`;
}

function rowCells(s: SweepReport, r: SweepRunRow): string[] {
  const { usd } = moneyOf(s.display);
  return [
    String(r.index + 1),
    ...r.assignments.map((a) => a.value),
    usd(r.baselineCost),
    usd(r.finalCost),
    pct(r.savingPct),
    ratioPct(r.successRate, 2),
    usd(r.costPerSuccess),
    checksText(r),
    r.cheapest ? '<- cheapest' : '',
  ];
}

function head(s: SweepReport): string[] {
  return [
    '#',
    ...s.axes.map((a) => a.path),
    'baseline',
    'final',
    'saving %',
    'success',
    'cost / success',
    'checks',
    '',
  ];
}

export function renderSweepTable(s: SweepReport, o: { color?: boolean } = {}): string {
  const c = new Chalk({ level: o.color ? 1 : 0 });
  const t = makeTable(
    head(s).map((h) => c.bold(h)),
    ['right', ...s.axes.map(() => 'left' as const), 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
  );
  for (const r of s.runs) {
    const cells = rowCells(s, r).map((x) => terminalText(x));
    t.push(
      r.cheapest
        ? cells.map((x) => c.bold.green(x))
        : r.checksOk
          ? cells
          : cells.map((x, j) => (j === cells.length - 2 ? c.red(x) : x)),
    );
  }
  return `sweep: ${terminalText(s.scenario)} · ${s.runs.length} configuration${s.runs.length === 1 ? '' : 's'} · seed ${s.seed}\n${t.toString()}\n${terminalText(headline(s))}\n${s.notes.map((x) => `note: ${terminalText(x)}\n`).join('')}${s.display ? `${displayNote(s.display)}\n` : ''}`;
}

export function renderSweepMarkdown(s: SweepReport): string {
  const e = mdEscape;
  const h = head(s).slice(0, -1);
  const lines = [
    `### llmcost sweep: ${e(s.scenario)}`,
    '',
    `**${e(headline(s))}** · ${s.runs.length} configurations · seed ${s.seed}`,
    ...s.notes.map((x) => `\n> ${e(x)}`),
    ...(s.display ? [`\n_${e(displayNote(s.display))}_`] : []),
    '',
  ];
  lines.push(
    `| ${h.map(e).join(' | ')} |`,
    `|${h.map((_, j) => (j === 0 || (j > s.axes.length && j < h.length - 1) ? '---:' : '---')).join('|')}|`,
  );
  for (const r of s.runs) {
    const c = rowCells(s, r).slice(0, -1).map(e);
    lines.push(`| ${(r.cheapest ? c.map((x) => `**${x}**`) : c).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** One row per configuration; the assignment columns are named by their paths. */
export function renderSweepCsv(s: SweepReport): string {
  const rows = [
    [
      'run',
      ...s.axes.map((a) => a.path),
      'pricing',
      'requests',
      'baselineCost',
      'finalCost',
      'saving',
      'savingPct',
      'successRate',
      'costPerSuccess',
      'checksOk',
      'failedChecks',
      'cheapest',
    ],
  ];
  for (const r of s.runs)
    rows.push([
      String(r.index + 1),
      ...r.assignments.map((a) => a.value),
      r.pricing,
      r.requests,
      r.baselineCost,
      r.finalCost,
      r.saving,
      r.savingPct,
      r.successRate,
      r.costPerSuccess,
      r.checksOk ? 'true' : 'false',
      r.failed.join(' '),
      r.cheapest ? 'true' : 'false',
    ] as never);
  return `${csvLines(rows)}\n`;
}

const LINE_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#b07aa1',
  '#edc948',
  '#9c755f',
  '#ff9da7',
  '#bab0ac',
];
const px = (x: number): string => String(Math.round(x * 10) / 10);

/** Final cost against the first swept variable (evenly spaced, in --set order), one line per series. */
export function sweepSvg(ch: SweepChart, d?: Display, width = 880, height = 380): string {
  const { usd, usdTicks } = moneyOf(d);
  const m = { left: 84, right: 16, top: 30 + 18 * Math.ceil(ch.series.length / 3), bottom: 56 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const nx = ch.x.values.length;
  const x = (i: number): number => m.left + (nx === 1 ? plotW / 2 : (plotW * (i + 0.5)) / nx);
  const y = (f: number): number => m.top + plotH * (1 - f);
  const parts = [
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="sw-title" class="chart">`,
    `<title id="sw-title">Final cost by ${esc(ch.x.path)}</title>`,
  ];
  const labels = usdTicks(ch.ticks.map((t) => t.usd));
  ch.ticks.forEach((t, i) => {
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${px(y(t.frac))}" y2="${px(y(t.frac))}" stroke="#d9dde3" stroke-width="1"/>`,
    );
    parts.push(
      `<text x="${m.left - 8}" y="${px(y(t.frac) + 4)}" text-anchor="end" class="tick">${esc(labels[i]!)}</text>`,
    );
  });
  ch.x.values.forEach((v, i) =>
    parts.push(
      `<text x="${px(x(i))}" y="${px(height - m.bottom + 20)}" text-anchor="middle" class="label">${esc(v)}</text>`,
    ),
  );
  parts.push(
    `<text x="${px(m.left + plotW / 2)}" y="${height - 10}" text-anchor="middle" class="axis">${esc(ch.x.path)}</text>`,
  );
  ch.series.forEach((s, k) => {
    const color = LINE_COLORS[k % LINE_COLORS.length]!;
    const lx = m.left + (k % 3) * (plotW / 3);
    const ly = 14 + 18 * Math.floor(k / 3);
    parts.push(
      `<rect x="${px(lx)}" y="${ly - 9}" width="14" height="4" fill="${color}"/><text x="${px(lx + 20)}" y="${ly}" class="legend">${esc(s.label)}</text>`,
    );
    const pts = s.points.map((p) => `${px(x(p.x))},${px(y(p.frac))}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of s.points) {
      const tip = `#${p.run + 1} ${ch.x.path}=${ch.x.values[p.x]}${s.points.length && s.label !== 'final cost' ? `, ${s.label}` : ''}: ${usd(p.cost)}${p.cheapest ? ' (cheapest meeting the checks)' : ''}`;
      parts.push(
        `<g><title>${esc(tip)}</title><circle cx="${px(x(p.x))}" cy="${px(y(p.frac))}" r="${p.cheapest ? 7 : 4}" fill="${p.cheapest ? '#fff' : color}" stroke="${color}" stroke-width="${p.cheapest ? 3 : 1}"/></g>`,
      );
    }
  });
  parts.push(
    `<line x1="${m.left}" x2="${width - m.right}" y1="${px(y(0))}" y2="${px(y(0))}" stroke="#5f6b7a" stroke-width="1"/>`,
    '</svg>',
  );
  return parts.join('\n');
}

/** The sweep's own rules on top of the shared page stylesheet (report/html.ts). */
const SWEEP_CSS = `
.best { background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 6px; padding: 8px 12px; }
.none { background: #fff8e1; border: 1px solid #ffe082; border-radius: 6px; padding: 8px 12px; }
tr.cheapest td { background: #e8f5e9; font-weight: 600; }
.chart .axis { fill: #52606d; }
`;

export function renderSweepHtml(s: SweepReport): string {
  const numeric = new Set([
    0,
    s.axes.length + 1,
    s.axes.length + 2,
    s.axes.length + 3,
    s.axes.length + 4,
    s.axes.length + 5,
  ]);
  const h = head(s).slice(0, -1);
  const rows = s.runs.map((r) => {
    const cells = rowCells(s, r).slice(0, -1);
    return `<tr${r.cheapest ? ' class="cheapest"' : ''}>${cells.map((c, j) => `<td${numeric.has(j) ? ' class="n"' : j === cells.length - 1 && !r.checksOk ? ' class="bad"' : ''}>${esc(c)}</td>`).join('')}</tr>`;
  });
  return htmlPage(
    `llmcost sweep · ${s.scenario}`,
    `<h1>${esc(s.scenario)}: sweep</h1>
<p class="meta">llmcost sweep · ${s.runs.length} configurations · ${esc(s.axes.map((a) => `${a.path} = ${a.values.join(', ')}`).join(' × '))} · seed ${s.seed}</p>
<p class="${s.cheapest === null ? 'none' : 'best'}">${esc(headline(s))}</p>
${s.notes.map((x) => `<p class="meta">Note: ${esc(x)}</p>`).join('\n')}
<section class="panel"><h2>Final cost by ${esc(s.chart.x.path)}</h2>
${sweepSvg(s.chart, s.display)}
</section>
<section class="panel"><h2>Configurations</h2>
<table>
<thead><tr>${h.map((c, j) => `<th${numeric.has(j) ? ' class="n"' : ''}>${esc(c)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>
<footer>Every configuration is the scenario with the assignments above, run with seed ${s.seed}. ${s.display ? `${esc(displayNote(s.display))}.` : 'Money in USD.'} Generated offline by llmcost ${esc(s.tool.version)}.</footer>`,
    SWEEP_CSS,
  );
}

export const SWEEP_RENDERERS = {
  table: renderSweepTable,
  json: (s: SweepReport): string => `${JSON.stringify(s, null, 2)}\n`,
  md: renderSweepMarkdown,
  csv: renderSweepCsv,
  html: renderSweepHtml,
};
