// vitest globalSetup: the run's temporary files in one folder of its own (TMPDIR, which os.tmpdir()
// reads and the test workers and the CLI processes they start inherit), removed when the run ends.
// Test files make their folders with mkdtempSync(join(tmpdir(), ...)) and many never remove them:
// without this each run left ~50 folders in the system's temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'llmcost-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(dir, { recursive: true, force: true });
  };
}
