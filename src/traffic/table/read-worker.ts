// Worker-thread entry of a parallel log read (read.ts): reads its byte range into table chunks.
import { parentPort, workerData } from 'node:worker_threads';
import { answer } from '../../shared/workers.js';
import { type RangeTask, readRange } from './read.js';

await answer(parentPort!, workerData as RangeTask, readRange);
