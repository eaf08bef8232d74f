// `llmcost report --from saved.json`: re-render a saved report (schema llmcost.report/v1) in any
// format. Reading and checking the file is report/saved.ts; this file parses flags and emits.
import type { Command } from 'commander';
import { userError } from '../diagnostics.js';
import { readText } from '../pricing/load.js';
import { parseSavedReport } from '../report/saved.js';
import { render } from '../report/render.js';
import type { App } from './app.js';
import { addOutputOptions } from './common.js';
import { FORMATS, type Format } from '../report/render.js';
import { emit, renderOptions } from './io.js';
import { resolvePath } from '../app/io.js';

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
    const format = o.format;
    if (!o.from)
      throw userError('USAGE', 'missing --from FILE', {
        where: '--from',
        hint: 'e.g. llmcost report --from saved.json --format md',
      });
    const file = resolvePath(app.io, o.from);
    const text = file === '-' ? await readStdin(app) : readText(file, 'saved report');
    const report = parseSavedReport(text, o.from);
    const out = render(report, format, renderOptions(app.io, o.out));
    emit(app.io, out, o.out);
  });
}

async function readStdin(app: App): Promise<string> {
  const s = app.io.stdin;
  if (!s)
    throw userError('USAGE', 'no standard input to read --from - from', {
      where: '--from',
      hint: 'pass a file path instead of -',
    });
  let text = '';
  for await (const chunk of s) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}
