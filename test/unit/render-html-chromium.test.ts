// Render the full golden report to HTML and screenshot it in headless Chromium (Debian's package).
// Without /usr/bin/chromium (or $CHROMIUM) the test is skipped, with the reason in its name, on a
// developer's machine, and FAILS in CI (CI=true): .ci/run installs chromium when it is absent, so
// a missing browser there is a broken CI image, not a reason to stop checking the HTML.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/render.js';
// @ts-expect-error -- a plain .mjs script without type declarations
import { CHROMIUM, pngStats, screenshot } from '../../scripts/screenshot-html.mjs';
import { fullReport } from '../golden/fixture.js';

const have = existsSync(CHROMIUM as string);
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

describe.skipIf(!have && !inCi)(
  `HTML report in headless Chromium${have || inCi ? '' : ` (skipped: ${CHROMIUM as string} not found; apt-get install -y chromium)`}`,
  () => {
    it('Chromium is installed (CI=true: .ci/run installs it when absent)', () => {
      if (!have)
        throw new Error(`${CHROMIUM as string} not found with CI=${process.env.CI}: apt-get install -y chromium`);
    });

    it.skipIf(!have)('renders to a non-trivial, non-blank screenshot', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'llmcost-shot-'));
      try {
        const html = join(dir, 'report.html');
        const png = join(dir, 'report.png');
        writeFileSync(html, render(await fullReport(), 'html', { color: false }));
        (screenshot as (h: string, p: string, o?: object) => string)(html, png, { width: 1200, height: 1600 });
        const s = (
          pngStats as (f: string) => { bytes: number; width: number; height: number; colors: number; inkShare: number }
        )(png);
        expect(s.width).toBe(1200);
        expect(s.height).toBe(1600);
        expect(s.bytes).toBeGreaterThan(30_000); // a blank 1200x1600 page compresses to a few KB
        expect(s.colors).toBeGreaterThan(20); // chart colours, text antialiasing
        expect(s.inkShare).toBeGreaterThan(0.05); // panels, bars and text cover the page
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
