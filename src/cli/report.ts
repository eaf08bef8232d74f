// `llmcost report --from saved.json`: re-render any saved JSON report (simulate/replay, sweep,
// drift, audit-cache, estimate, pricing diff/list/show/catalog/check) in the formats its command
// offers. Reading and checking the file is app/report.ts; the kinds, their shapes and renderers
// are report/saved.ts.
import type { Command } from 'commander';
import { loadSavedReport } from '../app/report.js';
import { userError } from '../diagnostics.js';
import { FORMATS, type Format } from '../report/formats.js';
import { renderSaved, withDisplay, SAVED_SCHEMAS, savedBy, savedFormats, savedStyled } from '../report/saved.js';
import type { App } from './app.js';
import { addDisplayOptions, addOutputOptions, type DisplayFlags, displayFlags } from './common.js';
import { emit, renderOptions } from './io.js';

interface Opts extends DisplayFlags {
  from?: string;
  format: Format;
  out?: string;
}

export function registerReport(program: Command, app: App): void {
  const cmd = program
    .command('report')
    .description('re-render a saved JSON report (simulate, replay, sweep, drift, audit-cache, estimate, pricing)')
    .option('--from <file>', 'a report saved with --format json (use - for stdin)');
  addOutputOptions(cmd, FORMATS);
  addDisplayOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost simulate scenarios/support-bot.yaml --format json --out saved.json
  llmcost report --from saved.json                          # terminal table
  llmcost report --from saved.json --format md > comment.md # pull-request comment
  llmcost report --from saved.json --format html --out report.html
  llmcost pricing diff 2025-10-01 2026-11-01 --format json --out diff.json
  llmcost report --from diff.json --format md               # any saved kind: sweep, drift, ...
  llmcost report --from saved.json --currency EUR --fx 0.92 # money shown as EUR 1,234.56

The file's "schema" field names its kind; each renders in the formats of the command that wrote it,
byte for byte as that command would:
${SAVED_SCHEMAS.map((s) => `  ${s.padEnd(24)} ${`(${savedBy(s)})`.padEnd(20)} ${savedFormats(s).join(', ')}`).join('\n')}
Formats: table (terminal), md (GitHub-flavoured Markdown), csv (see docs/reports.md),
html (one self-contained file: inline CSS and SVG, nothing fetched), json (the saved model).
--currency/--fx re-render a simulate/replay report in a display currency (a saved one keeps its own).`,
  );
  cmd.action(async (o: Opts) => {
    if (!o.from)
      throw userError('USAGE', 'missing --from FILE', {
        where: '--from',
        hint: 'e.g. llmcost report --from saved.json --format md',
      });
    const display = displayFlags(o);
    const saved = withDisplay(await loadSavedReport(o.from, app), display);
    const ro = renderOptions(app.io, o.out);
    // a format the kind lacks is located at the flag that named it: --out, by its extension, or --format
    const from = cmd.getOptionValueSource('format') === 'implied' ? '--out' : '--format';
    emit(app.io, renderSaved(saved, o.format, ro, from), o.out, { styled: savedStyled(saved.schema) && ro.color });
  });
}
