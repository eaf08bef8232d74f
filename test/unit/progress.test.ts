import { describe, expect, it, vi } from 'vitest';
import { createProgress, progressLine } from '../../src/cli/progress.js';
import type { Io } from '../../src/app/io.js';

/** an Io whose stderr is kept (a terminal or not) */
function stderrOf(isTTY: boolean): { io: Io; err: () => string } {
  let err = '';
  const io: Io = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (err += s), isTTY },
    cwd: '.',
    env: {},
  };
  return { io, err: () => err };
}

describe('progress bar', () => {
  it('shows rows, rows/s and, with a known fraction, a bar and an ETA', () => {
    // 500,000 rows in 2 s = 250,000 rows/s; 25% done after 2 s -> 6 s to go
    const line = progressLine('simulating', 500_000, 2000, 0.25);
    expect(line).toContain('500,000 rows');
    expect(line).toContain('250,000 rows/s');
    expect(line).toContain(' 25%');
    expect(line).toContain('ETA 0:06');
    expect(line).toContain(`[${'█'.repeat(6)}${'░'.repeat(18)}]`);
  });
  it('without a fraction: rows and rate only', () => {
    expect(progressLine('replaying', 1000, 500, null)).toBe('  replaying 1,000 rows · 2,000 rows/s');
  });
  it('writes nothing when stderr is not a terminal', () => {
    const { io, err } = stderrOf(false);
    const p = createProgress(io, 'x');
    p.update(1, 0.5);
    p.done();
    expect(err()).toBe('');
  });
  it('a phase (reading, then simulating) has its own label, rate and ETA', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const { io, err } = stderrOf(true);
      const p = createProgress(io, 'simulating');
      const last = () => err().split('\r\x1b[K').at(-1)!;
      vi.advanceTimersByTime(2000);
      p.update(500_000, 0.5, 'reading');
      // 500,000 rows read in 2 s
      expect(last()).toContain('reading 500,000 rows · 250,000 rows/s');
      vi.advanceTimersByTime(1000);
      p.update(1000, 0, 'simulating');
      vi.advanceTimersByTime(1000);
      p.update(200_000, 0.2, 'simulating');
      // 200,000 rows simulated in the 1 s since that phase began (not the 4 s since the start); 4 s to go
      expect(last()).toContain('simulating 200,000 rows · 200,000 rows/s · ETA 0:04');
      p.done();
    } finally {
      vi.useRealTimers();
    }
  });
});
