// Terminal renderer: cli-table3 tables, chalk colour only when asked (the CLI decides: TTY, NO_COLOR).
import { Chalk } from 'chalk';
import type { Report, ReportChart } from '../model.js';
import { displayNote, int, moneyOf, pct, ratioPct, signedPct } from '../format.js';
import { BAR_GLYPHS, makeTable, type RenderOptions, waterfallCells } from '../terminal.js';
import { BAND_HEAD, bandRows, monteCarloLine } from '../monte-carlo.js';
import { terminalText } from '../text.js';
import {
  breakEvenLines,
  cacheLine,
  extraSections,
  FIXED_NOT_ATTRIBUTED,
  pricingLine,
  rowsLine,
  stepName,
  volumeLine,
  warningTexts,
} from './common.js';

/** one line of user text, terminal-safe */
const L = (s: string): string => terminalText(s);

export function renderTable(r: Report & { chart: ReportChart }, o: RenderOptions): string {
  const { usd, usdDelta } = moneyOf(r.display);
  const c = new Chalk({ level: o.color ? 1 : 0 });
  const ch = r.chart;
  const out: string[] = [];
  const heading = (s: string): void => {
    out.push('', c.bold(s));
  };
  const money = (x: number, good: boolean | null): string =>
    good === null ? usd(x) : good ? c.green(usd(x)) : c.red(usd(x));

  out.push(`${c.bold(L(r.scenario))} · ${L(r.command)} · ${L(pricingLine(r.pricing, r.display))} · seed ${r.seed}`);
  out.push(`${volumeLine(r)} · ${rowsLine(r.rows)}`);
  if (r.display) out.push(displayNote(r.display));
  if (r.cache) out.push(L(cacheLine(r.cache)));
  out.push(
    r.steps.length
      ? `${c.bold(usd(r.baseline.cost))} → ${c.bold(usd(r.final.cost))}: saving ${money(r.final.saving, r.final.saving > 0 ? true : r.final.saving < 0 ? false : null)} (${pct(r.final.savingPct)})` +
          ` · cost per successful request ${usd(r.baseline.costPerSuccess)} → ${usd(r.final.costPerSuccess)}`
      : `cost ${c.bold(usd(r.baseline.cost))} · cost per successful request ${usd(r.baseline.costPerSuccess)} · success ${ratioPct(r.baseline.successRate)}`,
  );

  heading('Savings waterfall');
  const hasSolo = r.steps.some((s) => s.standalone);
  // the other columns take ~90 cells (~110 with standalone): the bar gets what is left, 8..40
  const barWidth = o.width ? Math.max(8, Math.min(40, o.width - (hasSolo ? 112 : 92))) : 24;
  const head = [
    'step',
    'cost',
    'saving',
    'saving %',
    ...(hasSolo ? ['alone', 'alone %'] : []),
    'calls',
    'success',
    'cost/success',
    'waterfall',
  ];
  const t = makeTable(
    head.map((h) => c.bold(h)),
    [
      'left',
      'right',
      'right',
      'right',
      ...(hasSolo ? (['right', 'right'] as const) : []),
      'right',
      'right',
      'right',
      'left',
    ],
  );
  const stage = (i: number) => (i === 0 ? r.baseline : i <= r.steps.length ? r.steps[i - 1]! : r.final);
  ch.waterfall.forEach((b, i) => {
    const f = stage(i);
    const cells = waterfallCells(b.costFrac, b.prevFrac, barWidth);
    const bar =
      c.cyan(BAR_GLYPHS.cost.repeat(cells.cost)) +
      c.green(BAR_GLYPHS.saving.repeat(cells.saving)) +
      c.red(BAR_GLYPHS.increase.repeat(cells.increase));
    const isTotal = b.kind !== 'step';
    const name = isTotal ? c.bold(b.label) : L(stepName(b));
    const saving = b.kind === 'baseline' ? '' : money(b.saving, b.saving > 0 ? true : b.saving < 0 ? false : null);
    const solo = hasSolo ? (b.standalone ? [usd(b.standalone.saving), pct(b.standalone.savingPct)] : ['', '']) : [];
    t.push([
      name,
      isTotal ? c.bold(usd(b.cost)) : usd(b.cost),
      saving,
      b.kind === 'baseline' ? '' : pct(b.savingPct),
      ...solo,
      int(f.calls),
      ratioPct(f.successRate),
      usd(f.costPerSuccess),
      bar,
    ]);
  });
  out.push(t.toString());
  out.push(
    c.dim(
      `bar: ${BAR_GLYPHS.cost} cost after the step, ${BAR_GLYPHS.saving} saved by the step, ${BAR_GLYPHS.increase} added by the step${hasSolo ? '; alone = the strategy alone on the baseline' : ''}`,
    ),
  );

  if (r.monteCarlo) {
    heading('Monte Carlo: low / expected / high');
    const mt = makeTable(
      BAND_HEAD.map((h) => c.bold(h)),
      ['left', 'right', 'right', 'right'],
    );
    for (const b of bandRows(r.monteCarlo, r.display)) mt.push([L(b.label), ...b.text]);
    out.push(mt.toString(), c.dim(monteCarloLine(r.monteCarlo)));
  }

  heading('Cost by token class');
  const bt = makeTable(
    ['class', 'baseline', 'share', 'final', 'share', 'change'].map((h) => c.bold(h)),
    ['left', 'right', 'right', 'right', 'right', 'right'],
  );
  for (const k of ch.classes)
    bt.push([
      k.label,
      usd(k.baseline),
      pct(k.baselineSharePct),
      usd(k.final),
      pct(k.finalSharePct),
      usdDelta(-k.change),
    ]);
  bt.push([c.bold('total'), c.bold(usd(r.baseline.cost)), '', c.bold(usd(r.final.cost)), '', usdDelta(r.final.saving)]);
  out.push(bt.toString());

  if (r.fixed.length) {
    heading('Fixed (one-time) costs');
    const ft = makeTable(
      ['cost', 'from', 'USD'].map((h) => c.bold(h)),
      ['left', 'left', 'right'],
    );
    for (const f of r.fixed) ft.push([L(f.label), L(f.from), usd(f.usd)]);
    out.push(ft.toString());
    out.push(...breakEvenLines(r).map(L));
  }

  if (ch.models.length) {
    heading('Models');
    const mt = makeTable(
      ['model', 'baseline', 'final', 'change'].map((h) => c.bold(h)),
      ['left', 'right', 'right', 'right'],
    );
    for (const m of ch.models) mt.push([L(m.label), usd(m.baselineCost), usd(m.finalCost), usdDelta(m.saving)]);
    out.push(mt.toString());
  }

  for (const d of ch.by) {
    heading(`By ${L(d.dimension)}${d.more ? ` (top ${d.top.length} of ${int(d.rows)})` : ''}`);
    const at = makeTable(
      [L(d.dimension), 'requests', 'baseline', 'final', 'change', 'share'].map((h) => c.bold(h)),
      ['left', 'right', 'right', 'right', 'right', 'right'],
    );
    for (const x of d.top)
      at.push([L(x.key), int(x.requests), usd(x.baselineCost), usd(x.cost), signedPct(x.changePct), pct(x.sharePct)]);
    if (d.more)
      at.push([
        c.dim(`… and ${int(d.more.count)} more`),
        int(d.more.requests),
        usd(d.more.baselineCost),
        usd(d.more.cost),
        '',
        '',
      ]);
    at.push([c.bold('total'), int(d.total.requests), usd(d.total.baselineCost), usd(d.total.cost), '', '']);
    out.push(at.toString());
    if (r.fixed.length) out.push(c.dim(FIXED_NOT_ATTRIBUTED));
  }

  if (r.checks.length) {
    heading('Checks');
    for (const k of r.checks) out.push(`${k.ok ? c.green('✓ pass') : c.red('✗ FAIL')} ${L(k.name)}: ${L(k.message)}`);
  }

  for (const s of extraSections(r.extras, '', r.display)) {
    heading(L(s.title));
    if (s.kind === 'scalar') out.push(L(s.value));
    else if (s.kind === 'list') out.push(...s.items.map((x) => `- ${L(x)}`));
    else if (s.kind === 'kv') {
      const kt = makeTable([], ['left', 'left']);
      s.rows.forEach(([k, v], i) => kt.push([L(k), { content: L(v), hAlign: s.numeric[i] ? 'right' : 'left' }]));
      out.push(kt.toString());
    } else {
      const xt = makeTable(
        s.head.map((h) => c.bold(L(h))),
        s.numeric.map((x) => (x ? 'right' : 'left')),
      );
      for (const row of s.rows) xt.push(row.map(L));
      out.push(xt.toString());
    }
  }

  if (r.warnings.length) {
    heading('Warnings');
    for (const w of warningTexts(r)) out.push(c.yellow(`! ${L(w)}`));
  }
  return out.join('\n');
}
