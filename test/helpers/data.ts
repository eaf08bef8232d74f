// The real traces live in shared/data beside the repository (CI clones the repo with shared/ next
// to it); a checkout elsewhere falls back to /work/shared.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function sharedData(rel: string): string {
  const candidates = [resolve(REPO, '../shared/data', rel), resolve('/work/shared/data', rel)];
  const hit = candidates.find((c) => existsSync(c));
  if (!hit)
    throw new Error(
      `real trace ${rel} not found in ${candidates.join(' or ')}: the tests need shared/data beside the repository`,
    );
  return hit;
}
