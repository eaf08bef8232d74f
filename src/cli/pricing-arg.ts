// A pricing table named on the command line (a file, or the version of a bundled table), with
// errors located at the argument or flag that named it.
import { UserError } from '../diagnostics.js';
import { choosePricing } from '../pricing/load.js';
import type { PriceBook } from '../pricing/pricebook.js';
import type { App } from './app.js';
import { formatDiagnostic } from '../diagnostics.js';

export function loadTableArg(app: App, value: string, where: string): PriceBook {
  try {
    const { book, warnings } = choosePricing({ pricing: value, cwd: app.io.cwd });
    for (const w of warnings) app.io.stderr.write(`${formatDiagnostic(w)}\n`);
    return book;
  } catch (e) {
    if (e instanceof UserError)
      throw new UserError(e.diagnostics.map((d) => (d.where === '--pricing' ? { ...d, where } : d)));
    throw e;
  }
}
