// Markdown for a pull-request comment (GitHub-flavoured): headline, waterfall, then the details
// folded. Every user string is escaped: pipes cannot break a table, HTML cannot render.
import type { Report, ReportChart } from '../model.js';
import { displayNote, int, moneyOf, pct, ratioPct, signedPct } from '../format.js';
import { BAND_HEAD, bandRows, monteCarloLine } from '../monte-carlo.js';
import { mdEscape } from '../text.js';
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

function table(head: string[], align: ('l' | 'r')[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function details(summary: string, body: string[]): string[] {
  return ['', `<details><summary>${summary}</summary>`, '', ...body, '', '</details>'];
}

export function renderMarkdown(r: Report & { chart: ReportChart }): string {
  const { usd, usdDelta } = moneyOf(r.display);
  const ch = r.chart;
  const e = mdEscape;
  const out: string[] = [];
  const failed = r.checks.filter((k) => !k.ok);
  out.push(`### llmcost: ${e(r.scenario)}`);
  out.push('');
  const costs = r.steps.length
    ? `**${usd(r.baseline.cost)} → ${usd(r.final.cost)}** (saving ${usd(r.final.saving)}, ${pct(r.final.savingPct)})`
    : `**${usd(r.baseline.cost)}**`;
  out.push(
    `${costs} · ${e(volumeLine(r))} · ${e(pricingLine(r.pricing, r.display))}${failed.length ? ` · **${failed.length} check${failed.length > 1 ? 's' : ''} failed**` : ''}${r.rows.rejected ? ` · **${int(r.rows.rejected)} rows rejected**` : ''}`,
  );
  out.push('');
  if (r.display) out.push(`_${e(displayNote(r.display))}_`, '');
  const hasSolo = r.steps.some((s) => s.standalone);
  out.push(
    ...table(
      ['step', 'cost', 'saving', 'saving %', ...(hasSolo ? ['alone'] : []), 'cost / success'],
      ['l', 'r', 'r', 'r', ...(hasSolo ? (['r'] as const) : []), 'r'],
      ch.waterfall.map((b, i) => {
        const f = i === 0 ? r.baseline : i <= r.steps.length ? r.steps[i - 1]! : r.final;
        const bold = (s: string): string => (b.kind === 'step' || s === '' ? s : `**${s}**`);
        const solo = hasSolo
          ? [b.standalone ? `${usd(b.standalone.saving)} (${pct(b.standalone.savingPct)})` : '']
          : [];
        return [
          bold(e(stepName(b))),
          bold(usd(b.cost)),
          b.kind === 'baseline' ? '' : bold(usd(b.saving)),
          b.kind === 'baseline' ? '' : bold(pct(b.savingPct)),
          ...solo,
          usd(f.costPerSuccess),
        ];
      }),
    ),
  );
  if (r.monteCarlo) {
    out.push(
      '',
      `**Monte Carlo** (${e(monteCarloLine(r.monteCarlo))}):`,
      '',
      ...table(
        [...BAND_HEAD],
        ['l', 'r', 'r', 'r'],
        bandRows(r.monteCarlo, r.display).map((b) => [e(b.label), ...b.text]),
      ),
    );
  }
  if (r.checks.length) {
    out.push('');
    for (const k of r.checks) out.push(`- ${k.ok ? '✅' : '❌'} **${e(k.name)}**: ${e(k.message)}`);
  }
  if (r.warnings.length) {
    out.push('');
    for (const w of warningTexts(r)) out.push(`> ⚠️ ${e(w)}`);
  }
  out.push(
    ...details('Cost by token class', [
      ...table(
        ['class', 'baseline', 'final', 'change'],
        ['l', 'r', 'r', 'r'],
        ch.classes.map((k) => [k.label, usd(k.baseline), usd(k.final), usdDelta(-k.change)]),
      ),
      '',
      `Success rate ${ratioPct(r.baseline.successRate)} → ${ratioPct(r.final.successRate)}; calls ${int(r.baseline.calls)} → ${int(r.final.calls)}. ${e(rowsLine(r.rows))}.`,
    ]),
  );
  if (r.fixed.length) {
    out.push(
      ...details('Fixed costs and break-even', [
        ...table(
          ['cost', 'from', 'USD'],
          ['l', 'l', 'r'],
          r.fixed.map((f) => [e(f.label), e(f.from), usd(f.usd)]),
        ),
        ...breakEvenLines(r).flatMap((line) => ['', e(line)]),
      ]),
    );
  }
  if (ch.models.length > 1 || r.steps.length) {
    out.push(
      ...details(
        'Models',
        table(
          ['model', 'baseline', 'final', 'change'],
          ['l', 'r', 'r', 'r'],
          ch.models.map((m) => [e(m.label), usd(m.baselineCost), usd(m.finalCost), usdDelta(m.saving)]),
        ),
      ),
    );
  }
  for (const d of ch.by) {
    const rows = d.top.map((x) => [
      e(x.key),
      int(x.requests),
      usd(x.baselineCost),
      usd(x.cost),
      signedPct(x.changePct),
    ]);
    if (d.more)
      rows.push([
        `… and ${int(d.more.count)} more`,
        int(d.more.requests),
        usd(d.more.baselineCost),
        usd(d.more.cost),
        '',
      ]);
    const note = r.fixed.length ? ['', FIXED_NOT_ATTRIBUTED] : [];
    out.push(
      ...details(`By ${e(d.dimension)}${d.more ? ` (top ${d.top.length} of ${int(d.rows)})` : ''}`, [
        ...table([e(d.dimension), 'requests', 'baseline', 'final', 'change'], ['l', 'r', 'r', 'r', 'r'], rows),
        ...note,
      ]),
    );
  }
  for (const s of extraSections(r.extras, '', r.display)) {
    const body =
      s.kind === 'scalar'
        ? [e(s.value)]
        : s.kind === 'list'
          ? s.items.map((x) => `- ${e(x)}`)
          : s.kind === 'kv'
            ? table(
                ['', ''],
                ['l', 'r'],
                s.rows.map(([k, v]) => [e(k), e(v)]),
              )
            : table(
                s.head.map(e),
                s.numeric.map((x) => (x ? 'r' : 'l')),
                s.rows.map((row) => row.map(e)),
              );
    out.push(...details(e(s.title), body));
  }
  out.push(
    '',
    `<sub>llmcost ${e(r.tool.version)} · ${e(r.command)} · pricing ${e(r.pricing.version)} (effective ${e(r.pricing.effective)})${r.pricing.overlays?.length ? ` · overlays: ${e(r.pricing.overlays.join(', '))}` : ''} · seed ${r.seed}${r.cache ? ` · ${e(cacheLine(r.cache))}` : ''}</sub>`,
  );
  return out.join('\n');
}
