// Property tests draw from a fixed seed so `npm test` (and CI) is reproducible: the same cases
// pass or fail on every run. FUZZ_SEED=<n> tries other cases; FUZZ_SEED=random draws a new seed
// each run (fast-check prints it with any counterexample, to replay with FUZZ_SEED=<that seed>).
import fc from 'fast-check';

const raw = process.env.FUZZ_SEED;
if (raw !== 'random') {
  const seed = raw === undefined || raw === '' ? 20261123 : Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or 'random', not '${raw}'`);
  fc.configureGlobal({ seed });
}
