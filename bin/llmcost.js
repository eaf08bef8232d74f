#!/usr/bin/env node
// the command line as `npm run build` bundles it (scripts/bundle-cli.mjs): a few chunks load faster than ~250 modules
import { run } from '../dist/cli-bundle/llmcost.js';
run(process);
