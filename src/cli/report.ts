// `llmcost report --from saved.json`: re-render a saved report (schema llmcost.report/v1) in any
// format. Reading and checking the file is app/report.ts and report/saved.ts.
import type { Command } from 'commander';
import { loadSavedReport } from '../app/report.js';
import { userError } from '../diagnostics.js';
import { FORMATS, type Format, render } from '../report/render.js';
import type { App } from './app.js';
import { addOutputOptions } from './common.js';
import { emit, renderOptions } from './io.js';

interface Opts {
  from?: string;
  format: Format;
  out?: string;
}

export function registerReport(program: Command, app: App): void {
  const cmd = program
    .command('report')
    .description('re-render a saved JSON report as a table, Markdown, CSV, HTML or JSON')
    .option('--from <file>', 'a report saved with --format json (use - for stdin)');
  addOutputOptions(cmd, FORMATS);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost simulate scenarios/support-bot.yaml --format json --out saved.json
  llmcost report --from saved.json                          # terminal table
  llmcost report --from saved.json --format md > comment.md # pull-request comment
  llmcost report --from saved.json --format html --out report.html

Formats: table (terminal), md (GitHub-flavoured Markdown), csv (sections, see docs/reports.md),
html (one self-contained file: inline CSS and SVG, nothing fetched), json (the report model).`,
  );
  cmd.action(async (o: Opts) => {
    if (!o.from)
      throw userError('USAGE', 'missing --from FILE', {
        where: '--from',
        hint: 'e.g. llmcost report --from saved.json --format md',
      });
    const report = await loadSavedReport(o.from, app);
    const ro = renderOptions(app.io, o.out);
    emit(app.io, render(report, o.format, ro), o.out, { styled: ro.color });
  });
}
