import { describe, expect, it } from 'vitest';
import { createProgress, progressLine } from '../../src/cli/progress.js';
import type { Io } from '../../src/app/io.js';

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
    let err = '';
    const io: Io = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (err += s), isTTY: false },
      cwd: '.',
      env: {},
    };
    const p = createProgress(io, 'x');
    p.update(1, 0.5);
    p.done();
    expect(err).toBe('');
  });
});
