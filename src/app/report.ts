// `report --from`: read a saved JSON report (a file, or '-' for the Io's stdin) and check it
// (report/saved.ts), ready to render again in any format.
import { userError } from '../diagnostics.js';
import { readText } from '../pricing/load.js';
import type { Report } from '../report/model.js';
import { parseSavedReport } from '../report/saved.js';
import { type Context, makeContext } from './context.js';
import { resolvePath } from './io.js';

export async function loadSavedReport(from: string, context: Partial<Context> = {}): Promise<Report> {
  const ctx = makeContext(context);
  const file = resolvePath(ctx.io, from);
  const text = file === '-' ? await readStdin(ctx) : readText(file, 'saved report');
  return parseSavedReport(text, from);
}

async function readStdin(ctx: Context): Promise<string> {
  const s = ctx.io.stdin;
  if (!s)
    throw userError('USAGE', 'no standard input to read --from - from', {
      where: '--from',
      hint: 'pass a file path instead of -',
    });
  let text = '';
  for await (const chunk of s) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}
