// Inline SVG charts for the HTML report. Pure string building from the report model's chart
// figures (fractions of the axis); pixel layout is the only arithmetic here. All text is escaped.
import type { ChartBar, ReportChart } from './model.js';
import { type Display, moneyOf, pct } from './format.js';
import { htmlEscape as esc } from './text.js';

export const COLORS = {
  total: '#4e79a7',
  saving: '#59a14f',
  increase: '#e15759',
  grid: '#d9dde3',
  axis: '#5f6b7a',
  text: '#1f2933',
  class: {
    input: '#4e79a7',
    cacheRead: '#76b7b2',
    cacheWrite: '#f28e2b',
    cacheWrite1h: '#ffbe7d',
    output: '#e15759',
    reasoning: '#ff9d9a',
    audio: '#edc948',
    image: '#8cd17d',
    storage: '#b07aa1',
    fees: '#bab0ac',
    fixed: '#9c755f',
  },
} as const;

const px = (x: number): string => String(Math.round(x * 10) / 10);

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** At most two lines of `max` characters, broken after a '-', '_' or space when possible. */
function wrap(s: string, max: number): string[] {
  if (s.length <= max) return [s];
  const cut = Math.max(s.lastIndexOf(' ', max), s.lastIndexOf('-', max - 1) + 1, s.lastIndexOf('_', max - 1) + 1);
  const at = cut > max / 3 ? cut : max;
  return [s.slice(0, at).trimEnd(), truncate(s.slice(at).trimStart(), max)];
}

/** Lines of an SVG label, 14px apart. */
function tspans(lines: string[], x: string): string {
  return lines.map((l, j) => `<tspan x="${x}" dy="${j === 0 ? 0 : 14}">${esc(l)}</tspan>`).join('');
}

function barName(b: ChartBar): string {
  return b.kind === 'step' ? `${b.step}. ${b.label}` : b.label;
}

/** Floating-bar waterfall: baseline, each step's change as a drop (or rise), final. */
export function waterfallSvg(ch: ReportChart, d?: Display, width = 880, height = 360): string {
  const { usd, usdTicks } = moneyOf(d);
  const m = { left: 84, right: 16, top: 34, bottom: 64 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const n = ch.waterfall.length;
  const slot = plotW / n;
  const barW = Math.min(84, slot * 0.62);
  const y = (f: number): number => m.top + plotH * (1 - f);
  const parts: string[] = [];
  parts.push(
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="wf-title" class="chart">`,
  );
  parts.push(
    `<title id="wf-title">Savings waterfall: baseline ${esc(usd(ch.waterfall[0]!.cost))}, final ${esc(usd(ch.waterfall[n - 1]!.cost))}</title>`,
  );
  const tickLabels = usdTicks(ch.ticks.map((t) => t.usd));
  ch.ticks.forEach((t, i) => {
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${px(y(t.frac))}" y2="${px(y(t.frac))}" stroke="${COLORS.grid}" stroke-width="1"/>`,
    );
    parts.push(
      `<text x="${m.left - 8}" y="${px(y(t.frac) + 4)}" text-anchor="end" class="tick">${esc(tickLabels[i]!)}</text>`,
    );
  });
  ch.waterfall.forEach((b, i) => {
    const x = m.left + i * slot + (slot - barW) / 2;
    const lo = b.kind === 'step' ? Math.min(b.costFrac, b.prevFrac) : 0;
    const hi = b.kind === 'step' ? Math.max(b.costFrac, b.prevFrac) : b.costFrac;
    const color = b.kind !== 'step' ? COLORS.total : b.saving >= 0 ? COLORS.saving : COLORS.increase;
    const h = Math.max(1, y(lo) - y(hi));
    const tip =
      b.kind === 'step'
        ? `${barName(b)}: ${usd(b.prevCost)} → ${usd(b.cost)} (saving ${usd(b.saving)}, ${pct(b.savingPct)})`
        : `${b.label}: ${usd(b.cost)}`;
    parts.push(
      `<g class="bar bar-${b.kind}"><title>${esc(tip)}</title><rect x="${px(x)}" y="${px(y(hi))}" width="${px(barW)}" height="${px(h)}" fill="${color}" rx="2"/></g>`,
    );
    // connector: this bar's cumulative cost carried to the next bar
    if (i < n - 1) {
      const nextX = m.left + (i + 1) * slot + (slot - barW) / 2;
      parts.push(
        `<line x1="${px(x + barW)}" x2="${px(nextX)}" y1="${px(y(b.costFrac))}" y2="${px(y(b.costFrac))}" stroke="${COLORS.axis}" stroke-dasharray="3 3" stroke-width="1"/>`,
      );
    }
    const value = b.kind === 'step' ? `${b.saving >= 0 ? '−' : '+'}${usd(Math.abs(b.saving))}` : usd(b.cost);
    parts.push(
      `<text x="${px(x + barW / 2)}" y="${px(y(hi) - 8)}" text-anchor="middle" class="value">${esc(value)}</text>`,
    );
    if (b.kind === 'step')
      parts.push(
        `<text x="${px(x + barW / 2)}" y="${px(y(lo) + 15)}" text-anchor="middle" class="pct">${esc(pct(b.savingPct))}</text>`,
      );
    const lines = wrap(barName(b), Math.max(8, Math.floor(slot / 7)));
    const cx = px(x + barW / 2);
    parts.push(
      `<text x="${cx}" y="${px(height - m.bottom + 20)}" text-anchor="middle" class="label${b.kind === 'step' ? '' : ' strong'}"><title>${esc(barName(b))}</title>${tspans(lines, cx)}</text>`,
    );
  });
  parts.push(
    `<line x1="${m.left}" x2="${width - m.right}" y1="${px(y(0))}" y2="${px(y(0))}" stroke="${COLORS.axis}" stroke-width="1"/>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}

/** One horizontal stacked bar per stage, split by token class, on the waterfall's axis. */
export function breakdownSvg(ch: ReportChart, d?: Display, width = 880): string {
  const { usd } = moneyOf(d);
  const m = { left: 170, right: 110, top: 34, row: 30 };
  const plotW = width - m.left - m.right;
  const height = m.top + ch.stages.length * m.row + 12;
  const parts: string[] = [];
  parts.push(
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="bd-title" class="chart">`,
  );
  parts.push('<title id="bd-title">Cost by token class per stage</title>');
  // legend
  let lx = m.left;
  for (const p of ch.stages[0]?.parts ?? []) {
    parts.push(
      `<rect x="${lx}" y="8" width="12" height="12" fill="${COLORS.class[p.key]}" rx="2"/><text x="${lx + 17}" y="18" class="legend">${esc(p.label)}</text>`,
    );
    lx += 17 + p.label.length * 7 + 18;
  }
  ch.stages.forEach((s, i) => {
    const yy = m.top + i * m.row;
    parts.push(
      `<text x="${m.left - 8}" y="${yy + 15}" text-anchor="end" class="label">${esc(truncate(i === 0 ? s.label : `${i}. ${s.label}`, 24))}</text>`,
    );
    let x = m.left;
    for (const p of s.parts) {
      const w = p.frac * plotW;
      if (w <= 0) continue;
      parts.push(
        `<rect x="${px(x)}" y="${yy}" width="${px(Math.max(0.5, w))}" height="20" fill="${COLORS.class[p.key]}"><title>${esc(`${s.label} · ${p.label}: ${usd(p.usd)} (${pct(p.sharePct)})`)}</title></rect>`,
      );
      x += w;
    }
    parts.push(`<text x="${px(x + 6)}" y="${yy + 15}" class="value-left">${esc(usd(s.cost))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
