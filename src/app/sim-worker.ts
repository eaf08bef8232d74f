// Worker-thread entry of the parallel runs (parallel.ts): runs its task's configurations over its
// rows of the shared request table and posts the RunParts back (or the error).
import { parentPort, workerData } from 'node:worker_threads';
import { runTask, type SimTask } from './parallel.js';
import { answer } from '../shared/workers.js';

await answer(parentPort!, workerData as SimTask, runTask);
