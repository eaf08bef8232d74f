// Real traces for the tests. Small slices ship in scenarios/traces/ and are always there; the full
// traces live in shared/data beside the repository (../shared/data from the repo root) and only
// the tests that need them wait for them: they are skipped, with the reason in their name, when
// that folder is absent (a fresh clone with nothing beside it).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');

/** A bundled trace slice (see scenarios/traces/README.md). */
export function bundledTrace(name: string): string {
  return resolve(REPO, 'scenarios/traces', name);
}

/** The full Mooncake conversation trace's row count, and its bundled first 10 minutes'. */
export const MOONCAKE_ROWS = { full: 12_031, slice: 1_750 } as const;
export const MOONCAKE_SLICE = bundledTrace('mooncake_conversation_trace.first10min.jsonl.gz');

/**
 * A file of ../shared/data (`rel` inside it) and an `it` that runs only when the file is there:
 * otherwise the test is skipped and its name says which file was missing, so a run without the
 * full data shows what it did not test.
 */
export function sharedData(rel: string): { file: string; it: (name: string, fn: () => Promise<void>) => void } {
  const file = resolve(REPO, '../shared/data', rel);
  const have = existsSync(file);
  const reason = ` (skipped: ../shared/data/${rel} not found beside the repository)`;
  return { file, it: (name, fn) => it.skipIf(!have)(have ? name : `${name}${reason}`, fn) };
}
