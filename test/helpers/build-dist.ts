// vitest globalSetup: compile src/ to dist/ before the tests, so the log reader's worker thread
// (which runs the compiled dist/traffic/logs/worker.js, even when the tests import src/) is the
// code under test, never a stale build. Then the bundled pricing tables' compiled forms and the
// command line's bundle, as `npm run build` does (bin/llmcost.js runs the bundle, which reads them).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '../..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
    { cwd: root, stdio: 'inherit' },
  );
  execFileSync(process.execPath, [join(root, 'scripts/compile-pricing.mjs')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs')], { cwd: root, stdio: 'inherit' });
}
