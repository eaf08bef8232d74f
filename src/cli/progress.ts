// A progress bar on an interactive stderr (never in pipes, CI logs or tests): rows so far, rows/s
// and, when the source knows how far it is (bytes of a log file, simulated time of a profile), a
// bar and an ETA. The only wall-clock reader in src/: its figures never enter a report.
import { NO_PROGRESS, type Progress } from '../app/context.js';
import type { Io } from '../app/io.js';

const REDRAW_MS = 250;
const WIDTH = 24;

function clock(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '--:--';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The bar's text for `rows` after `elapsedMs`; pure, for tests. */
export function progressLine(label: string, rows: number, elapsedMs: number, fraction?: number | null): string {
  const rate = elapsedMs > 0 ? (rows / elapsedMs) * 1000 : 0;
  const parts = [`${label} ${rows.toLocaleString('en-US')} rows`, `${Math.round(rate).toLocaleString('en-US')} rows/s`];
  if (fraction !== undefined && fraction !== null && fraction > 0) {
    const f = Math.min(1, fraction);
    const filled = Math.round(f * WIDTH);
    const eta = (elapsedMs / 1000) * ((1 - f) / f);
    return `  [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${(f * 100).toFixed(0).padStart(3)}% · ${parts.join(' · ')} · ETA ${clock(eta)}`;
  }
  return `  ${parts.join(' · ')}`;
}

export function createProgress(io: Io, label: string): Progress {
  if (io.stderr.isTTY !== true) return NO_PROGRESS;
  let start = performance.now();
  let last = start;
  let shown = false;
  let current: string | undefined;
  return {
    update(rows, fraction, phase = label) {
      const now = performance.now();
      // a new phase (reading, then simulating) has its own rate and ETA
      if (phase !== current) {
        if (current !== undefined) start = now;
        current = phase;
      }
      if (now - last < REDRAW_MS) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\x1b[K${progressLine(phase, rows, now - start, fraction)}`);
    },
    done() {
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}
