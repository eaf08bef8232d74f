#!/usr/bin/env node
// Writes the bundled trace slices in scenarios/traces/ from the full real traces in ../shared/data beside
// the repository (see scenarios/traces/README.md for their sources and licences):
//   node scripts/make-data-slices.mjs
// A trace slice is the verbatim head of a trace: every line up to the first request at or after
// SLICE_MS from the trace's first request (the traces are in time order), gzip level 9 without a
// file name or time stamp, so the output is the same bytes on every run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const SLICE_MS = 10 * 60_000;
const SHARED = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const FROM = `${SHARED}traces/`;
const OUT = new URL('../scenarios/traces/', import.meta.url);

/** Milliseconds of a Mooncake JSONL line (its `timestamp` counts ms from the trace start). */
const mooncakeMs = (line) => JSON.parse(line).timestamp;
/** Milliseconds of an Azure CSV row: "2023-11-16 18:17:03.9799600" (UTC, 7 fraction digits). */
const azureMs = (line) => Date.parse(`${line.slice(0, 23).replace(' ', 'T')}Z`);

const SLICES = [
  ['mooncake_conversation_trace.jsonl', 'mooncake_conversation_trace.first10min.jsonl.gz', 0, mooncakeMs],
  ['AzureLLMInferenceTrace_code.csv', 'AzureLLMInferenceTrace_code.first10min.csv.gz', 1, azureMs],
  ['AzureLLMInferenceTrace_conv.csv', 'AzureLLMInferenceTrace_conv.first10min.csv.gz', 1, azureMs],
];

if (!existsSync(SHARED)) {
  process.stderr.write(`error: ${SHARED} not found: the full data lives in shared/data beside the repository\n`);
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });
for (const [source, target, headerLines, msOf] of SLICES) {
  const lines = readFileSync(`${FROM}${source}`, 'utf8').split('\n');
  const first = msOf(lines[headerLines]);
  let end = headerLines;
  while (end < lines.length && lines[end] !== '' && msOf(lines[end]) - first < SLICE_MS) end++;
  const text = `${lines.slice(0, end).join('\n')}\n`;
  const gz = gzipSync(text, { level: 9 });
  gz[9] = 255; // OS byte "unknown": the same bytes whichever system wrote them
  writeFileSync(new URL(target, OUT), gz);
  process.stdout.write(`${target}: ${end - headerLines} rows of ${source}, ${gz.length} bytes\n`);
}
