// The documented command examples of the 'root-md' shard run as written (test/helpers/examples-suite.ts).
import { exampleTests } from '../helpers/examples-suite.js';

await exampleTests('root-md');
