// The preset registry. A preset maps a real export format onto the canonical columns (see preset.ts);
// field names were checked against each format's docs/code, see docs/logs.md.
import { suggestionHint, userError } from '../../diagnostics.js';
import { CANONICAL_COLUMNS, type Column } from './columns.js';
import type { Preset } from './preset.js';
import { ANTHROPIC_PRESETS } from './presets/anthropic.js';
import { BEDROCK_PRESETS } from './presets/bedrock.js';
import { GEMINI_PRESETS } from './presets/gemini.js';
import { GATEWAY_PRESETS } from './presets/gateways.js';
import { OPENAI_PRESETS } from './presets/openai.js';
import { OTEL_PRESETS } from './presets/otel.js';
import { TRACE_PRESETS } from './presets/traces.js';

export type { Preset } from './preset.js';
export { mooncakeBlocks } from './presets/traces.js';

export const PRESETS: Preset[] = [
  ...TRACE_PRESETS,
  ...GATEWAY_PRESETS,
  ...OPENAI_PRESETS,
  ...ANTHROPIC_PRESETS,
  ...BEDROCK_PRESETS,
  ...GEMINI_PRESETS,
  ...OTEL_PRESETS,
];

export function presetNames(): string[] {
  return PRESETS.map((p) => p.name);
}

export function getPreset(name: string | undefined): Preset {
  const n = (name ?? 'canonical').trim().toLowerCase();
  const p = PRESETS.find((x) => x.name === n);
  if (p) return p;
  throw userError('UNKNOWN_PRESET', `unknown log preset '${name}'`, {
    where: '--preset',
    hint: suggestionHint(n, presetNames(), `known presets: ${presetNames().join(', ')}`),
  });
}

/** Presets whose required source fields all appear in `fields` (to suggest one for a header). */
export function presetsMatching(fieldNames: string[]): string[] {
  const set = new Set(fieldNames);
  return PRESETS.filter((p) => p.name !== 'canonical')
    .filter((p) =>
      (['input_tokens', 'output_tokens'] as Column[]).every((c) =>
        (p.columns[c] ?? []).some((f) => set.has(f) || set.has(f.split('.')[0]!)),
      ),
    )
    .map((p) => p.name);
}

/**
 * Every field name some preset reads (and the canonical columns), lower-cased, whole and by its
 * first dot segment: a header sharing none of them is not a request log (see read.ts).
 */
export function knownFieldNames(): Set<string> {
  const out = new Set<string>(CANONICAL_COLUMNS);
  for (const p of PRESETS) {
    const fields = [...Object.values(p.columns).flat(), ...Object.values(p.tags ?? {}).flat()];
    for (const f of fields) {
      if (!f) continue;
      out.add(f.toLowerCase());
      out.add(f.split('.')[0]!.toLowerCase());
    }
  }
  return out;
}
