// Worker-thread entry of a replay read in byte ranges (replay-run.ts): reads and tallies its range.
import { parentPort, workerData } from 'node:worker_threads';
import { answer } from '../shared/workers.js';
import { type ReplayRangeTask, replayRange } from './replay-run.js';

// the rows' trail is moved, not copied
await answer(parentPort!, workerData as ReplayRangeTask, replayRange, ({ trail: t }) =>
  [t.atMs, t.line, t.chars, t.ends].map((a) => a.buffer as ArrayBuffer),
);
