// Renderer safety and behaviour: CSV injection and quoting, Markdown escaping, terminal colour,
// and the HTML's self-containment (no URL in src/href, no script, user text escaped).
import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/render.js';
import { type Report, type StageFigures, zeroMoney } from '../../src/report/model.js';
import { csvCell } from '../../src/shared/csv.js';
import { elapsed, usdTicks } from '../../src/report/format.js';
import { mdEscape } from '../../src/report/text.js';
import { waterfallCells } from '../../src/report/terminal.js';
import { fullReport, handReport } from '../golden/fixture.js';

describe('elapsed', () => {
  it('gives a span in its two largest whole units', () => {
    expect(
      [0, 850, 1000, 58_999, 60_000, 3_538_000, 3_600_000, 3_725_000, 86_400_000, 277_200_000].map(elapsed),
    ).toEqual(['0 ms', '850 ms', '1 s', '58 s', '1 min', '58 min 58 s', '1 h', '1 h 2 min', '1 d', '3 d 5 h']);
  });
});

describe('csv', () => {
  it('neutralises formula cells with a leading apostrophe, but not numbers', () => {
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-5')).toBe("'-5"); // a string that looks negative is still text
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"'); // apostrophe, then quoted because of the CR
    expect(csvCell(-0.00145)).toBe('-0.00145');
    expect(csvCell(1e-7)).toBe('0.0000001');
    expect(csvCell(null)).toBe('');
  });
  it('quotes per RFC 4180: commas, quotes and newlines; quotes doubled', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
  });
  it('writes one row per stage with the documented columns', () => {
    const lines = render(handReport(), 'csv', { color: false }).split('\n');
    expect(lines[0]).toBe(
      'stage,strategy,label,cost,saving,savingPct,input,cacheRead,cacheWrite,cacheWrite1h,output,reasoning,audio,image,storage,fees,fixed,calls,successes,successRate,costPerSuccess,standaloneCost,standaloneSaving,standaloneSavingPct',
    );
    expect(lines[1]).toBe('baseline,,baseline,10,0,0,8,0,0,0,2,0,0,0,0,0,0,1,1,1,10,,,');
    expect(lines[3]).toBe('2,cascade,cascade,5,-1,-10,2,1,0,0,2,0,0,0,0,0,0,1,1,1,5,,,'); // a cost increase: negative saving as a number
    expect(lines[4]).toBe('final,,final,5,5,50,2,1,0,0,2,0,0,0,0,0,0,1,1,1,5,,,');
    expect(lines[5]).toBe('');
  });
});

describe('markdown', () => {
  it('escapes pipes, HTML and emphasis in user text', () => {
    expect(mdEscape('a|b <script> *x* _y_')).toBe('a\\|b &lt;script&gt; \\*x\\* \\_y\\_');
    expect(mdEscape('line1\nline2')).toBe('line1 line2');
  });
  it('keeps every table row at the same number of cells (no pipe breaks a row)', async () => {
    const md = render(await fullReport(), 'md', { color: false });
    const tables = md.split(/\n\n/).filter((b) => b.startsWith('|'));
    expect(tables.length).toBeGreaterThan(3);
    for (const t of tables) {
      const counts = t.split('\n').map((row) => row.replace(/\\\|/g, '').split('|').length);
      expect(new Set(counts).size, t).toBe(1);
    }
  });
});

describe('terminal table', () => {
  it('has no ANSI codes without colour and some with it', async () => {
    const r = await fullReport();
    expect(render(r, 'table', { color: false })).not.toMatch(/\u001b\[/);
    expect(render(r, 'table', { color: true })).toMatch(/\u001b\[32m/);
  });
  it('shows control characters in user text inertly (ESC as ^[, a newline as a space: no terminal escapes from data)', () => {
    const r = { ...handReport(), scenario: 'evil\u001b[2Jname\nnext' };
    const out = render(r, 'table', { color: false });
    expect(out).not.toMatch(/\u001b/);
    expect(out.split('\n')[0]).toContain('evil^[[2Jname next');
  });
  it('draws the waterfall bars from the model fractions (24 cells: 10 -> 4 -> 5)', () => {
    const out = render(handReport(), 'table', { color: false });
    expect(out).toContain('│ ████████████████████████ │'); // baseline 1.0 x 24
    expect(out).toContain('│ ██████████░░░░░░░░░░░░░░ │'); // 0.4 x 24 = 9.6 -> 10 solid, 24 - 10 = 14 saved
    expect(out).toContain('│ ██████████▓▓             │'); // from 10 cells up to 0.5 x 24 = 12
  });
  it('shows "… and K more" after the top 10', () => {
    expect(render(handReport(), 'table', { color: false })).toContain('… and 2 more');
  });
});

describe('html', () => {
  it('contains no http(s) URL in any src or href attribute, and nothing that loads', async () => {
    const html = render(await fullReport(), 'html', { color: false });
    const attrs = [...html.matchAll(/\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?([^"'\s>]*)/gi)].map(
      (m) => m[1],
    );
    for (const a of attrs) expect(a).not.toMatch(/^(https?:)?\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/<(img|iframe|object|embed)\b/i);
  });
  it('escapes user text (scenario name with <script>, a warning with markup)', async () => {
    const html = render(await fullReport(), 'html', { color: false });
    expect(html).toContain('support &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | bot');
    expect(html).toContain('model &quot;big&quot; has &lt;no&gt; batch tier');
    expect(html).not.toContain('<no>');
    expect(html).toContain('=HYPERLINK(&quot;http://evil.example&quot;)'); // a URL in the data stays text
  });
  it('draws one waterfall bar per stage plus baseline and final', async () => {
    const html = render(await fullReport(), 'html', { color: false });
    expect(html.match(/class="bar bar-step"/g)).toHaveLength(4);
    expect(html.match(/class="bar bar-(baseline|final)"/g)).toHaveLength(2);
  });
});

describe('render', () => {
  it('does not mutate the report and is deterministic', async () => {
    const r = await fullReport();
    const before = JSON.stringify(r);
    for (const f of ['table', 'json', 'md', 'csv', 'html'] as const) {
      expect(render(r, f, { color: false })).toBe(render(r, f, { color: false }));
    }
    expect(JSON.stringify(r)).toBe(before);
  });
  it('recomputes the presentation figures: a stale chart in the input is ignored', () => {
    const r = handReport();
    const stale = { ...r, chart: { ...JSON.parse('{}'), scaleUsd: 999 } } as typeof r;
    expect(render(stale, 'html', { color: false })).toBe(render(r, 'html', { color: false }));
  });
});

describe('waterfallCells', () => {
  it('scales fractions to whole cells; a saving ends where the previous cost ended', () => {
    expect(waterfallCells(1, 0, 24)).toEqual({ cost: 24, saving: 0, increase: 0 }); // baseline
    expect(waterfallCells(0.95, 1, 24)).toEqual({ cost: 23, saving: 1, increase: 0 }); // 22.8 -> 23 solid, 24 - 23 saved
    // prev 0.4554 x 28 = 12.75 -> 13 cells; cost 0.4513 x 28 = 12.64 -> also 13: keep one saved cell inside the 13
    expect(waterfallCells(0.4513, 0.4554, 28)).toEqual({ cost: 12, saving: 1, increase: 0 });
    expect(waterfallCells(0.5, 0.4, 10)).toEqual({ cost: 4, saving: 0, increase: 1 }); // 4 solid, up to 5
    expect(waterfallCells(0.401, 0.4, 10)).toEqual({ cost: 4, saving: 0, increase: 1 }); // a tiny increase still shows
    expect(waterfallCells(0.4, 0.4, 10)).toEqual({ cost: 4, saving: 0, increase: 0 }); // no change
  });
});

describe('usdTicks', () => {
  it('labels all ticks with the decimals the step needs', () => {
    expect(usdTicks([0, 0.005, 0.01, 0.015])).toEqual(['$0.000', '$0.005', '$0.010', '$0.015']); // step 0.005 -> 3 decimals
    expect(usdTicks([0, 0.1, 0.2, 0.3])).toEqual(['$0.00', '$0.10', '$0.20', '$0.30']); // at least 2 decimals below $1
    expect(usdTicks([0, 500, 1000])).toEqual(['$0', '$500', '$1,000']);
    expect(usdTicks([0])).toEqual(['$0']);
  });
});

describe('edge reports', () => {
  it('an empty run ($0, no requests, no successes) renders every format without NaN or Infinity', () => {
    const h = handReport();
    const zero = (f: StageFigures): StageFigures => ({
      ...f,
      cost: 0,
      calls: 0,
      successes: 0,
      successRate: 0,
      costPerSuccess: null,
      breakdown: zeroMoney(),
    });
    const r: Report = {
      ...h,
      requests: 0,
      baseline: zero(h.baseline),
      steps: h.steps.map((s) => ({ ...s, ...zero(s), saving: 0, savingPct: 0 })),
      final: { ...zero(h.final), saving: 0, savingPct: 0 },
      models: [],
      by: {},
    };
    for (const f of ['table', 'json', 'md', 'csv', 'html'] as const) {
      const out = render(r, f, { color: false });
      expect(out, f).not.toMatch(/NaN|Infinity/);
      expect(out.length).toBeGreaterThan(100);
    }
    expect(render(r, 'table', { color: false })).toContain('unknown'); // cost per success with no success
  });
});

describe('extras labels', () => {
  it('identifier-like keys read as words, a Usd suffix dropped and Pct as %; data keys as they are', async () => {
    const { extraLabel } = await import('../../src/report/renderers/common.js');
    expect(extraLabel('keptUnits')).toBe('kept units');
    expect(extraLabel('costPerSuccessUsd')).toBe('cost per success');
    expect(extraLabel('retriesSharePct')).toBe('retries share %');
    expect(extraLabel('lowUsd')).toBe('low');
    expect(extraLabel('rate')).toBe('rate');
    // data: a skip reason, a tenant, a model
    expect(extraLabel('Langfuse SPAN observation (not a model call)')).toBe(
      'Langfuse SPAN observation (not a model call)',
    );
    expect(extraLabel('eu-retail')).toBe('eu-retail');
    expect(extraLabel('gpt-4o')).toBe('gpt-4o');
  });
});
