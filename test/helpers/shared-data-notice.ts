// vitest globalSetup: say once, at the top of the run, when the full-data tests will be skipped
// (the default reporter does not list skipped tests by name; `--reporter=verbose` does).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
  const shared = join(import.meta.dirname, '../../../shared/data');
  if (!existsSync(shared))
    process.stdout.write(
      'note: ../shared/data not found beside the repository: the tests on the full real traces are skipped ' +
        '(the bundled slices in scenarios/traces/ are tested)\n',
    );
}
