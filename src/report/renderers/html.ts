// HTML: one self-contained file — inline CSS and SVG, no script, no fonts or images from the
// network, no external URL anywhere (a URL in the data is shown as escaped text). Every string
// from the report is escaped, so a scenario called "<script>" stays text.
import type { Report, ReportChart } from '../model.js';
import { displayNote, int, moneyOf, pct, ratioPct, signedPct } from '../format.js';
import { htmlPage } from '../html.js';
import { COLORS, breakdownSvg, waterfallSvg } from '../svg.js';
import { htmlEscape as esc } from '../text.js';
import { BAND_HEAD, bandRows, monteCarloLine } from '../monte-carlo.js';
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

type Cell = { text: string; num?: boolean; cls?: string; html?: boolean };

function htmlTable(head: Cell[], rows: { cells: Cell[]; cls?: string }[]): string {
  const td = (c: Cell, tag: 'td' | 'th'): string => {
    const cls = [c.num ? 'n' : '', c.cls ?? ''].filter(Boolean).join(' ');
    return `<${tag}${cls ? ` class="${cls}"` : ''}>${c.html ? c.text : esc(c.text)}</${tag}>`;
  };
  const thead = head.some((h) => h.text !== '')
    ? `<thead><tr>${head.map((h) => td(h, 'th')).join('')}</tr></thead>\n`
    : '';
  return `<table>\n${thead}<tbody>\n${rows.map((r) => `<tr${r.cls ? ` class="${r.cls}"` : ''}>${r.cells.map((c) => td(c, 'td')).join('')}</tr>`).join('\n')}\n</tbody>\n</table>`;
}

const n = (text: string, cls?: string): Cell => ({ text, num: true, ...(cls ? { cls } : {}) });
const t = (text: string): Cell => ({ text });
const tone = (x: number): string | undefined => (x > 0 ? 'good' : x < 0 ? 'bad' : undefined);

export function renderHtml(r: Report & { chart: ReportChart }): string {
  const { usd, usdDelta } = moneyOf(r.display);
  const ch = r.chart;
  const body: string[] = [];
  const failed = r.checks.filter((k) => !k.ok).length;
  body.push(`<h1>${esc(r.scenario)}</h1>`);
  body.push(
    `<p class="meta">llmcost ${esc(r.command)} · ${esc(volumeLine(r))} · ${esc(pricingLine(r.pricing, r.display))} · seed ${r.seed}${r.cache ? ` · ${esc(cacheLine(r.cache))}` : ''}</p>`,
  );
  const card = (k: string, v: string, s: string, cls?: string): string =>
    `<div class="card"><div class="k">${esc(k)}</div><div class="v${cls ? ` ${cls}` : ''}">${esc(v)}</div><div class="s">${esc(s)}</div></div>`;
  body.push('<div class="cards">');
  if (r.steps.length) {
    body.push(card('baseline', usd(r.baseline.cost), `${int(r.baseline.calls)} calls`));
    body.push(card('final', usd(r.final.cost), `${int(r.final.calls)} calls`));
    body.push(card('saving', usd(r.final.saving), pct(r.final.savingPct), tone(r.final.saving)));
  } else body.push(card('cost', usd(r.baseline.cost), `${int(r.baseline.calls)} calls`));
  body.push(
    card(
      'cost per success',
      usd(r.final.costPerSuccess),
      `baseline ${usd(r.baseline.costPerSuccess)} · success ${ratioPct(r.final.successRate)}`,
    ),
  );
  if (r.rows.rejected > 0)
    body.push(
      card('rejected rows', int(r.rows.rejected), `${int(r.rows.read)} read · ${int(r.rows.priced)} priced`, 'bad'),
    );
  if (r.checks.length)
    body.push(
      card('checks', failed ? `${failed} failed` : 'all pass', `${r.checks.length} checked`, failed ? 'bad' : 'good'),
    );
  body.push('</div>');

  // without strategies there is nothing to fall: the table alone says it
  body.push(`<section class="panel"><h2>${r.steps.length ? 'Savings waterfall' : 'Cost'}</h2>`);
  if (r.steps.length) body.push(waterfallSvg(ch, r.display));
  const hasSolo = r.steps.some((s) => s.standalone);
  body.push(
    htmlTable(
      [
        t('step'),
        n('cost'),
        n('saving'),
        n('saving %'),
        ...(hasSolo ? [n('alone'), n('alone %')] : []),
        n('calls'),
        n('success'),
        n('cost / success'),
      ],
      ch.waterfall.map((b, i) => {
        const f = i === 0 ? r.baseline : i <= r.steps.length ? r.steps[i - 1]! : r.final;
        const solo = hasSolo
          ? b.standalone
            ? [n(usd(b.standalone.saving)), n(pct(b.standalone.savingPct))]
            : [n(''), n('')]
          : [];
        return {
          cells: [
            t(stepName(b)),
            n(usd(b.cost)),
            n(b.kind === 'baseline' ? '' : usd(b.saving), b.kind === 'baseline' ? undefined : tone(b.saving)),
            n(b.kind === 'baseline' ? '' : pct(b.savingPct)),
            ...solo,
            n(int(f.calls)),
            n(ratioPct(f.successRate)),
            n(usd(f.costPerSuccess)),
          ],
          ...(b.kind === 'step' ? {} : { cls: 'total' }),
        };
      }),
    ),
  );
  if (hasSolo)
    body.push(
      '<p class="meta">alone = the strategy on its own on the baseline; the difference to its saving in order is the interaction with earlier steps.</p>',
    );
  body.push('</section>');

  if (r.monteCarlo) {
    body.push('<section class="panel"><h2>Monte Carlo: low / expected / high</h2>');
    body.push(
      htmlTable(
        [t(BAND_HEAD[0]), n(BAND_HEAD[1]), n(BAND_HEAD[2]), n(BAND_HEAD[3])],
        bandRows(r.monteCarlo, r.display).map((b) => ({ cells: [t(b.label), ...b.text.map((x) => n(x))] })),
      ),
    );
    body.push(`<p class="meta">${esc(monteCarloLine(r.monteCarlo))}</p></section>`);
  }
  body.push('<section class="panel"><h2>Cost by token class</h2>');
  body.push(breakdownSvg(ch, r.display));
  body.push(
    htmlTable(
      [t('class'), n('baseline'), n('share'), n('final'), n('share'), n('change')],
      [
        ...ch.classes.map((k) => ({
          cells: [
            {
              text: `<span class="swatch" style="background:${COLORS.class[k.key]}"></span>${esc(k.label)}`,
              html: true,
            },
            n(usd(k.baseline)),
            n(pct(k.baselineSharePct)),
            n(usd(k.final)),
            n(pct(k.finalSharePct)),
            n(usdDelta(-k.change)),
          ],
        })),
        {
          cells: [t('total'), n(usd(r.baseline.cost)), n(''), n(usd(r.final.cost)), n(''), n(usdDelta(r.final.saving))],
          cls: 'total',
        },
      ],
    ),
  );
  body.push('</section>');

  if (r.fixed.length) {
    body.push('<section class="panel"><h2>Fixed (one-time) costs</h2>');
    body.push(
      htmlTable(
        [t('cost'), t('from'), n('USD')],
        r.fixed.map((f) => ({ cells: [t(f.label), t(f.from), n(usd(f.usd))] })),
      ),
    );
    for (const line of breakEvenLines(r)) body.push(`<p>${esc(line)}</p>`);
    body.push('</section>');
  }
  if (ch.models.length) {
    body.push('<section class="panel"><h2>Models</h2>');
    body.push(
      htmlTable(
        [t('model'), n('baseline'), n('final'), n('change')],
        ch.models.map((m) => ({
          cells: [t(m.label), n(usd(m.baselineCost)), n(usd(m.finalCost)), n(usdDelta(m.saving))],
        })),
      ),
    );
    body.push('</section>');
  }
  for (const d of ch.by) {
    body.push(
      `<section class="panel"><h2>By ${esc(d.dimension)}${d.more ? ` <small>(top ${d.top.length} of ${int(d.rows)})</small>` : ''}</h2>`,
    );
    const rows: { cells: Cell[]; cls?: string }[] = d.top.map((x) => ({
      cells: [
        t(x.key),
        n(int(x.requests)),
        n(usd(x.baselineCost)),
        n(usd(x.cost)),
        n(signedPct(x.changePct)),
        n(pct(x.sharePct)),
      ],
    }));
    if (d.more)
      rows.push({
        cells: [
          t(`… and ${int(d.more.count)} more`),
          n(int(d.more.requests)),
          n(usd(d.more.baselineCost)),
          n(usd(d.more.cost)),
          n(''),
          n(''),
        ],
        cls: 'more',
      });
    rows.push({
      cells: [t('total'), n(int(d.total.requests)), n(usd(d.total.baselineCost)), n(usd(d.total.cost)), n(''), n('')],
      cls: 'total',
    });
    body.push(htmlTable([t(d.dimension), n('requests'), n('baseline'), n('final'), n('change'), n('share')], rows));
    if (r.fixed.length) body.push(`<p class="meta">${esc(FIXED_NOT_ATTRIBUTED)}</p>`);
    body.push('</section>');
  }
  if (r.checks.length) {
    body.push('<section class="panel"><h2>Checks</h2><ul class="checks">');
    for (const k of r.checks)
      body.push(
        `<li><strong class="${k.ok ? 'good' : 'bad'}">${k.ok ? '✓ pass' : '✗ FAIL'}</strong> ${esc(k.name)}: ${esc(k.message)}</li>`,
      );
    body.push('</ul></section>');
  }
  for (const s of extraSections(r.extras, '', r.display)) {
    body.push(`<section class="panel"><h2>${esc(s.title)}</h2>`);
    if (s.kind === 'scalar') body.push(`<p>${esc(s.value)}</p>`);
    else if (s.kind === 'list') body.push(`<ul>${s.items.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`);
    else if (s.kind === 'kv')
      body.push(
        htmlTable(
          [t(''), t('')],
          s.rows.map(([k, v], i) => ({ cells: [t(k), s.numeric[i] ? n(v) : t(v)] })),
        ),
      );
    else
      body.push(
        htmlTable(
          s.head.map((h, j) => (s.numeric[j] ? n(h) : t(h))),
          s.rows.map((row) => ({ cells: row.map((v, j) => (s.numeric[j] ? n(v) : t(v))) })),
        ),
      );
    body.push('</section>');
  }
  if (r.warnings.length) {
    body.push('<section class="panel"><h2>Warnings</h2>');
    for (const w of warningTexts(r)) body.push(`<div class="warn">${esc(w)}</div>`);
    body.push('</section>');
  }
  body.push(
    `<footer>${esc(rowsLine(r.rows))}. Prices: <strong>${esc(pricingLine(r.pricing, r.display))}</strong>; every model's source page is listed in its table — run <code>llmcost pricing show MODEL</code>. ${r.display ? `${esc(displayNote(r.display))}, rounded to $0.000001 in the report.` : 'Money in USD, rounded to $0.000001 in the report.'} Generated offline by llmcost ${esc(r.tool.version)}.</footer>`,
  );
  return htmlPage(`llmcost · ${r.scenario}`, body.join('\n'));
}
