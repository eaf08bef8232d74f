// The page shell and stylesheet of every HTML output (report, sweep): self-contained, no script,
// nothing fetched. One stylesheet, so the outputs look alike and a rule is written once.
import { COLORS } from './svg.js';
import { htmlEscape as esc } from './text.js';

export const PAGE_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f7fa; color: ${COLORS.text}; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 16px; margin: 28px 0 10px; }
.meta { color: #52606d; margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; }
.card { background: #fff; border: 1px solid #e4e7eb; border-radius: 8px; padding: 10px 12px; min-width: 0; }
.card .k { color: #616e7c; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 19px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .s { color: #616e7c; font-size: 12px; }
.good { color: #2f7d32; } .bad { color: #c62828; }
section.panel { background: #fff; border: 1px solid #e4e7eb; border-radius: 8px; padding: 14px 16px; margin-top: 16px; overflow-x: auto; }
section.panel h2 { margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid #eef0f3; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { font-size: 12px; color: #52606d; font-weight: 600; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 2px solid #d9dde3; }
tr.more td { color: #616e7c; font-style: italic; }
.chart { width: 100%; height: auto; display: block; }
.chart text { font: 12px system-ui, sans-serif; fill: ${COLORS.text}; }
.chart .tick { fill: ${COLORS.axis}; font-size: 11px; }
.chart .value { font-weight: 600; }
.chart .pct { fill: #52606d; font-size: 11px; }
.chart .strong { font-weight: 600; }
.chart .legend { font-size: 12px; }
.checks li { list-style: none; margin: 4px 0; }
.checks { padding-left: 0; }
.warn { background: #fff8e1; border: 1px solid #ffe082; border-radius: 6px; padding: 8px 12px; margin: 6px 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
footer { color: #616e7c; font-size: 12px; margin-top: 24px; }
@media print { body { background: #fff; } main { padding: 0; } section.panel { break-inside: avoid; border-color: #ccc; } }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
`;

/**
 * The one page shell of every HTML output: self-contained, and a Content-Security-Policy that
 * lets nothing load (no script, no network), only inline styles and data: images. Every page
 * shares PAGE_CSS; an output adds only the rules of its own elements.
 */
export function htmlPage(title: string, bodyHtml: string, extraCss = ''): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${PAGE_CSS}${extraCss}</style>
</head>
<body>
<main>
${bodyHtml}
</main>
</body>
</html>
`;
}
