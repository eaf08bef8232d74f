// The documented command examples of the 'help-drift-diff' shard run as written (test/helpers/examples-suite.ts).
import { exampleTests } from '../helpers/examples-suite.js';

await exampleTests('help-drift-diff');
