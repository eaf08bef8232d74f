// `report --from`: read a saved JSON report of any kind (a file, or '-' for the Io's stdin) and
// check it against its kind's shape (report/saved.ts), ready to render again in its formats.
import { LIMITS, tooLarge } from '../config/input-limits.js';
import { userError } from '../diagnostics.js';
import { readText } from '../pricing/tables.js';
import { parseSavedReport, type SavedReport } from '../report/saved.js';
import { type Context, makeContext } from './context.js';
import { resolvePath } from './io.js';

export async function loadSavedReport(from: string, context: Partial<Context> = {}): Promise<SavedReport> {
  const ctx = makeContext(context);
  const file = resolvePath(ctx.io, from);
  const text = file === '-' ? await readStdin(ctx) : readText(file, 'saved report', LIMITS.reportBytes);
  return parseSavedReport(text, from);
}

async function readStdin(ctx: Context): Promise<string> {
  const s = ctx.io.stdin;
  if (!s)
    throw userError('USAGE', 'no standard input to read --from - from', {
      where: '--from',
      hint: 'pass a file path instead of -',
    });
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of s) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    bytes += b.length;
    if (bytes > LIMITS.reportBytes) throw tooLarge('<stdin>', 'saved report', bytes, LIMITS.reportBytes);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
