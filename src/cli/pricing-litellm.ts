// `llmcost pricing import --from litellm FILE` and `llmcost pricing check --against litellm FILE`.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { suggestionHint, UserError, userError } from '../diagnostics.js';
import { parseYaml } from '../config/yaml.js';
import {
  acceptedFileSchema,
  checkAgainstLiteLLM,
  chatModelNames,
  type CheckResult,
  findEntry,
  importFromLiteLLM,
  type LiteLLMFile,
} from '../pricing/litellm.js';
import { LIMITS, parseJsonInput } from '../config/input-limits.js';
import { parsePricingText, readText } from '../pricing/load.js';
import { makeTable } from '../report/terminal.js';
import type { App } from './app.js';
import { addOutputOptions, addPricingOptions, loadBook } from './common.js';
import { emit, resolvePath, type Format } from './io.js';

const SOURCES = ['litellm'];

function sourceOpt(value: string, flag: string): void {
  if (!SOURCES.includes(value))
    throw userError('USAGE', `${flag} '${value}' is not a known price source`, {
      where: flag,
      hint: `use ${flag} litellm`,
    });
}

/** Read and parse the LiteLLM JSON, locating a syntax error as file:line:column. */
export function readLiteLLM(app: App, file: string): LiteLLMFile {
  const path = resolvePath(app.io, file);
  const text = readText(path, 'LiteLLM price file', LIMITS.priceMapBytes);
  const data = parseJsonInput(
    text,
    file,
    'FILE_READ',
    "pass LiteLLM's model_prices_and_context_window.json (a JSON object of model entries)",
  );
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw userError('FILE_READ', 'expected a JSON object of model entries', {
      where: file,
      hint: "pass LiteLLM's model_prices_and_context_window.json",
    });
  return data as LiteLLMFile;
}

export function registerPricingLiteLLM(pricing: Command, app: App): void {
  const imp = pricing
    .command('import')
    .argument('<file>', "LiteLLM's model_prices_and_context_window.json")
    .description('convert selected models of a LiteLLM price file into a dated pricing table (YAML)')
    .requiredOption('--from <source>', 'format of FILE: litellm')
    .requiredOption(
      '--models <list>',
      'comma-separated models to import; NAME or OUR_ID=LITELLM_KEY (e.g. gpt-4o,claude-sonnet-4=claude-sonnet-4-20250514)',
    )
    .option(
      '--version <date>',
      'version and effective date of the new table (YYYY-MM-DD); default: a date in the file name',
    )
    .option('-o, --out <file>', 'write the table to a file (atomically) instead of stdout');
  imp.addHelpText(
    'after',
    `
Examples:
  llmcost pricing import --from litellm vendor/litellm/model_prices_and_context_window-2026-08-01.json --models gpt-4o,gpt-4o-mini --version 2026-12-01
  llmcost pricing import --from litellm vendor/litellm/model_prices_and_context_window-2026-08-01.json --models claude-sonnet-4=claude-sonnet-4-20250514,gemini-2.5-pro --version 2026-12-01 --out pricing/2026-12-01.yaml

Per-token floats become USD per 1M tokens by exact decimal arithmetic (3e-06 -> "3.00").
Mapped fields: input/output_cost_per_token, cache_read_input_token_cost, cache_creation_input_token_cost
(write_5m), cache_creation_input_token_cost_above_1hr (write_1h), *_above_200k_tokens (long_context),
*_batches / *_flex / *_priority (tiers), max_input_tokens (context_window), prompt_cache_min_tokens.
The result is validated like any table; warnings name what LiteLLM does not say (e.g. batch discounts).`,
  );
  imp.action((file: string, o: { from: string; models: string; version?: string; out?: string }) => {
    sourceOpt(o.from, '--from');
    const version = o.version ?? /(\d{4}-\d{2}-\d{2})/.exec(basename(file))?.[1];
    if (!version)
      throw userError('USAGE', 'no --version given and no date in the file name', {
        where: '--version',
        hint: 'pass --version YYYY-MM-DD (the date the prices are in force; the wall clock is never used)',
      });
    // Date.parse accepts 2026-02-30 (rolls over to March): require the date to round-trip.
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(version) ||
      Number.isNaN(Date.parse(version)) ||
      new Date(`${version}T00:00:00Z`).toISOString().slice(0, 10) !== version
    )
      throw userError('USAGE', `--version '${version}' is not a date`, {
        where: '--version',
        hint: 'use YYYY-MM-DD, e.g. --version 2026-12-01',
      });
    const data = readLiteLLM(app, file);
    const names = o.models
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!names.length)
      throw userError('USAGE', '--models is empty', { where: '--models', hint: 'e.g. --models gpt-4o,gpt-4o-mini' });
    const picked = names.map((spec) => {
      const [name, key] = spec.includes('=')
        ? (spec.split('=', 2) as [string, string])
        : [spec.replace(/^[a-z_-]+\//, ''), spec];
      const hit = findEntry(data, key);
      if (!hit)
        throw userError('UNKNOWN_MODEL', `model '${key}' is not in ${file}`, {
          where: '--models',
          hint: suggestionHint(key, chatModelNames(data), 'use the key as it appears in the LiteLLM file'),
        });
      return { name, ...hit };
    });
    // A price field that is present but not a number is a broken file, not a missing price.
    for (const { key, entry } of picked) {
      for (const [field, v] of Object.entries(entry)) {
        if (!/(_cost_per_token|_token_cost)/.test(field) || v === undefined || v === null) continue;
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
          throw userError('SCHEMA', `${key}.${field} is ${JSON.stringify(v)}, not a price in USD per token`, {
            where: file,
            hint: `fix that value in ${basename(file)} (LiteLLM prices are plain numbers such as 2.5e-06), or import other models with --models`,
          });
        }
      }
    }
    const r = importFromLiteLLM(data, picked, version, basename(file));
    // warnings first: a skipped model (e.g. a price that is not a number) explains an invalid table below
    for (const w of r.warnings) app.warn(w);
    const check = parsePricingText(r.yaml, o.out ?? `${version}.yaml`);
    if (!check.book)
      throw new UserError(
        check.errors.map((d) => ({
          ...d,
          hint: `${d.hint ?? ''} (the LiteLLM data would give an invalid table; import the other models and add this one by hand)`.trim(),
        })),
      );
    emit(app.io, r.yaml, o.out);
    if (o.out)
      app.io.stderr.write(
        `wrote ${o.out}: pricing ${version}, ${check.book.models.size} models; check it with \`llmcost pricing validate ${o.out}\` and review the sources\n`,
      );
  });

  const chk = pricing
    .command('check')
    .argument('<file>', "LiteLLM's model_prices_and_context_window.json")
    .description(
      'list every disagreement between our pricing table and a LiteLLM price file; exit 1 if a price differs that no accepted entry covers',
    )
    .requiredOption('--against <source>', 'format of FILE: litellm')
    .option('--accepted <file>', 'accepted differences (YAML): reviewed disagreements that do not fail the check');
  addPricingOptions(chk);
  addOutputOptions(chk, ['table', 'md', 'json']);
  chk.addHelpText(
    'after',
    `
Examples:
  llmcost pricing check --against litellm vendor/litellm/model_prices_and_context_window-2026-08-01.json
  llmcost pricing check --against litellm vendor/litellm/model_prices_and_context_window-2026-08-01.json --pricing pricing/2025-10-01.yaml --format md
  llmcost pricing check --against litellm vendor/litellm/model_prices_and_context_window-2026-08-01.json --accepted pricing/litellm-accepted.yaml   # CI gate

Our models are looked up by id and aliases (also as gemini/<id>, openai/<id>, anthropic/<id>).
Compared: every price LiteLLM states (standard, cache, 1h write, long-context band, batch/flex/
priority) against our effective prices, plus context_window and cache.min_tokens (metadata,
listed separately, never failing). "differs" = both give a value; "only-theirs" = LiteLLM has a
price our table lacks. Fields only our table has are counted, not listed. Exit 1 only when a
price differs and no entry of --accepted covers it (format: docs/pricing-sources.md).`,
  );
  chk.action(
    (
      file: string,
      o: {
        against: string;
        accepted?: string;
        pricing?: string;
        asOf?: string;
        staleAfter?: string;
        format: Format;
        out?: string;
      },
    ) => {
      sourceOpt(o.against, '--against');
      const format = o.format;
      const book = loadBook(app, o);
      const accepted = o.accepted ? readAccepted(app, o.accepted) : [];
      const r = checkAgainstLiteLLM(book, readLiteLLM(app, file), basename(file), accepted);
      emit(
        app.io,
        format === 'json' ? JSON.stringify(r, null, 2) : format === 'md' ? renderCheckMd(r) : renderCheckTable(r),
        o.out,
      );
      for (const u of r.unusedAccepted)
        app.warn(
          `accepted difference ${u.model} ${u.field}${u.theirs !== undefined ? ` (theirs ${u.theirs})` : ''} matched nothing: fixed, or LiteLLM's value moved; review it in ${o.accepted}`,
        );
      if (r.failing > 0) app.exitCode = 1;
    },
  );
}

/** The accepted-differences file, every schema problem located (file:line:column). */
function readAccepted(app: App, file: string) {
  const text = readText(resolvePath(app.io, file), 'accepted-differences file');
  const { value, errors } = parseYaml(text, file, acceptedFileSchema);
  if (!value) throw new UserError(errors);
  return value.accepted;
}

function summary(r: CheckResult): string {
  const count = (f: (d: CheckResult['disagreements'][number]) => boolean): number => r.disagreements.filter(f).length;
  const prices = count((d) => d.kind === 'differs' && d.category === 'price');
  const accepted = count((d) => d.accepted !== undefined);
  const metadata = count((d) => d.kind === 'differs' && d.category === 'metadata');
  const onlyTheirs = count((d) => d.kind === 'only-theirs');
  return `pricing ${r.pricing.version} vs ${r.against}: ${r.compared} models compared, ${prices} prices differ (${r.failing} not accepted${accepted ? `, ${accepted} accepted` : ''}), ${metadata} metadata values differ, ${onlyTheirs} prices only in LiteLLM, ${r.onlyOurs} fields only ours${r.notFound.length ? `; not in LiteLLM: ${r.notFound.join(', ')}` : ''}`;
}

/** Rows in the order a reviewer needs them: failing prices, accepted prices, metadata, LiteLLM-only. */
function ordered(r: CheckResult): CheckResult['disagreements'] {
  const rank = (d: CheckResult['disagreements'][number]): number =>
    d.kind === 'only-theirs' ? 3 : d.category === 'metadata' ? 2 : d.accepted !== undefined ? 1 : 0;
  return [...r.disagreements].sort((a, b) => rank(a) - rank(b));
}

function status(d: CheckResult['disagreements'][number]): string {
  if (d.kind === 'only-theirs') return 'only-theirs';
  if (d.category === 'metadata') return 'metadata';
  return d.accepted !== undefined ? 'accepted' : 'differs';
}

function renderCheckTable(r: CheckResult): string {
  const parts = [summary(r)];
  if (r.disagreements.length) {
    const t = makeTable(['model', 'LiteLLM key', 'field', 'ours', 'theirs', 'kind']);
    for (const d of ordered(r)) t.push([d.model, d.key, d.field, d.ours ?? '-', d.theirs ?? '-', status(d)]);
    parts.push(`USD per 1M tokens (tokens for context_window, min_tokens, threshold)\n${t.toString()}`);
  }
  for (const d of r.disagreements.filter((x) => x.accepted !== undefined))
    parts.push(`accepted: ${d.model} ${d.field}: ${d.accepted}`);
  for (const x of r.rounded)
    parts.push(`note: LiteLLM float needs > 12 decimals per 1M tokens, compared after rounding: ${x}`);
  return parts.join('\n');
}

function renderCheckMd(r: CheckResult): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [
    `### Pricing ${r.pricing.version} vs LiteLLM (${esc(r.against)})`,
    '',
    summary(r).replace(/^[^:]+: /, ''),
    '',
  ];
  if (r.disagreements.length) {
    lines.push('| model | LiteLLM key | field | ours | theirs | kind |', '|---|---|---|---:|---:|---|');
    for (const d of ordered(r))
      lines.push(
        `| ${esc(d.model)} | ${esc(d.key)} | ${d.field} | ${d.ours ?? '-'} | ${d.theirs ?? '-'} | ${status(d)} |`,
      );
  } else lines.push('No disagreements.');
  return lines.join('\n');
}
