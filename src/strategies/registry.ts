// name -> strategy. Each strategy lives in its own file; add it to STRATEGIES below.
import type { Strategy } from '../engine/strategy.js';
import { promptCache } from './prompt-cache/index.js';
import { batch } from './batch.js';
import { responseCache } from './response-cache.js';
import { dedupeRetries } from './dedupe-retries.js';
import { route } from './route.js';
import { cascade } from './cascade.js';
import { trimContext } from './trim-context.js';
import { compress } from './compress.js';
import { capOutput } from './cap-output.js';
import { selfHost } from './self-host.js';

export const STRATEGIES: Strategy[] = [
  promptCache,
  batch,
  responseCache,
  dedupeRetries,
  route,
  cascade,
  trimContext,
  compress,
  capOutput,
  selfHost,
];

export function strategyNames(): string[] {
  return STRATEGIES.map((s) => s.name);
}

/** A strategy by its name (a worker thread rebuilds a run's stages from their names). */
export function getStrategy(name: string): Strategy {
  const s = STRATEGIES.find((x) => x.name === name);
  if (!s) throw new Error(`internal: unknown strategy '${name}'`);
  return s;
}
