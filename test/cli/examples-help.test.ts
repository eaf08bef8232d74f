// The documented command examples of the 'help' shard run as written (test/helpers/examples-suite.ts).
import { exampleTests } from '../helpers/examples-suite.js';

await exampleTests('help');
