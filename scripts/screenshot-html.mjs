#!/usr/bin/env node
// Screenshot an llmcost HTML report with Debian's headless Chromium, offline, to LOOK at it.
//
//   node scripts/screenshot-html.mjs report.html [out.png]       an HTML file as is
//   node scripts/screenshot-html.mjs saved.json [out.png]        a saved report (needs `npm run build`)
//
// Chromium runs with networking features off and a throw-away profile. The test
// test/unit/render-html-chromium.test.ts uses screenshot() and pngStats() below.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Render `htmlFile` to `pngFile` (window 1200x1600 by default). Throws if Chromium fails. */
export function screenshot(htmlFile, pngFile, { width = 1200, height = 1600, timeoutMs = 60_000 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'llmcost-chromium-'));
  try {
    execFileSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${resolve(pngFile)}`,
        `--window-size=${width},${height}`,
        pathToFileURL(resolve(htmlFile)).href,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  if (!existsSync(pngFile)) throw new Error(`chromium wrote no screenshot to ${pngFile}`);
  return pngFile;
}

/** Decode an 8-bit RGB/RGBA PNG enough to say whether it shows something. */
export function pngStats(file) {
  const buf = readFileSync(file);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error(`${file} is not a PNG`);
  let pos = 8;
  let width = 0,
    height = 0,
    colorType = 0,
    bitDepth = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8];
      colorType = data[9];
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6))
    return { bytes: buf.length, width, height, colors: -1, inkShare: -1 };
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp] : 0;
      let v = raw[src + x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c,
          pa = Math.abs(p - a),
          pb = Math.abs(p - b),
          pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + x] = v & 255;
    }
  }
  // distinct colours, and the share of pixels that differ from the top-left (background) pixel
  const colors = new Set();
  let ink = 0;
  const bg = px.readUIntBE(0, 3);
  for (let i = 0; i < px.length; i += bpp) {
    const rgb = px.readUIntBE(i, 3);
    colors.add(rgb);
    if (rgb !== bg) ink++;
  }
  return { bytes: buf.length, width, height, colors: colors.size, inkShare: ink / (width * height) };
}

async function main(argv) {
  const [input, outArg] = argv;
  if (!input || input === '--help' || input === '-h') {
    process.stdout.write('usage: node scripts/screenshot-html.mjs REPORT.html|SAVED.json [OUT.png]\n');
    return input ? 0 : 2;
  }
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(
      `error: ${CHROMIUM} not found; install Debian's chromium (apt-get install -y chromium) or set CHROMIUM=/path\n`,
    );
    return 2;
  }
  let html = input;
  let tmp;
  if (input.endsWith('.json')) {
    const dist = new URL('../dist/report/render.js', import.meta.url);
    if (!existsSync(fileURLToPath(dist))) {
      process.stderr.write('error: dist/ is missing; run `npm run build` first\n');
      return 2;
    }
    const { render } = await import(dist.href);
    tmp = mkdtempSync(join(tmpdir(), 'llmcost-html-'));
    html = join(tmp, 'report.html');
    writeFileSync(html, render(JSON.parse(readFileSync(input, 'utf8')), 'html', { color: false }));
  }
  const png = outArg ?? `${input.replace(/\.(html|json)$/, '')}.png`;
  screenshot(html, png);
  const s = pngStats(png);
  process.stdout.write(
    `${png}: ${s.width}x${s.height}, ${s.bytes} bytes, ${s.colors} colours, ${(s.inkShare * 100).toFixed(1)}% non-background pixels\n`,
  );
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`${e?.stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
