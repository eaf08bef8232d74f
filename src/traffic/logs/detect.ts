// Auto-detection of a log's preset when --preset is not given: the first records are matched against
// each preset's signature (preset.detect: groups of fields that together identify the layout). The
// preset matching the most sampled records wins, then the more specific signature; a tie between
// different presets is refused with the candidates, never guessed.
import { userError } from '../../diagnostics.js';
import { type Fields, lookup } from './columns.js';
import type { Preset } from './preset.js';

/** records looked at */
const DETECT_SAMPLE = 50;

export interface Detection {
  preset: Preset;
  /** the signature fields that matched, for the message that names the choice */
  fields: string[];
  /** sampled records that matched, of `sampled` */
  matched: number;
  sampled: number;
}

/** One signature field: 'a.b' must exist (null counts: a batch error line has "response": null), 'a=v' must equal v. */
function has(f: Fields, field: string): boolean {
  const eq = field.indexOf('=');
  if (eq < 0) return lookup(f, field) !== undefined;
  const v = lookup(f, field.slice(0, eq));
  return v !== undefined && v !== null && String(v) === field.slice(eq + 1);
}

/** The most specific group of `p` that `f` matches (its fields), or undefined. */
function matchGroup(p: Preset, f: Fields): string[] | undefined {
  let best: string[] | undefined;
  for (const g of p.detect ?? []) if (g.every((x) => has(f, x)) && (!best || g.length > best.length)) best = g;
  return best;
}

/**
 * The preset of a log from its first records (CSV rows as header -> value objects). Undefined when
 * no preset matches any record; a UserError naming the candidates when two match equally well.
 */
export function detectPreset(presets: Preset[], sample: Fields[], shown: string): Detection | undefined {
  const recs = sample.slice(0, DETECT_SAMPLE);
  const scored: { p: Preset; matched: number; size: number; fields: string[] }[] = [];
  for (const p of presets) {
    let matched = 0;
    let fields: string[] = [];
    for (const f of recs) {
      const g = matchGroup(p, f);
      if (!g) continue;
      matched++;
      if (g.length > fields.length) fields = g;
    }
    if (matched) scored.push({ p, matched, size: fields.length, fields });
  }
  if (!scored.length) return undefined;
  scored.sort((a, b) => b.matched - a.matched || b.size - a.size);
  const top = scored[0]!;
  const tied = scored.filter((s) => s.matched === top.matched && s.size === top.size);
  if (tied.length > 1) {
    const names = tied.map((s) => s.p.name);
    throw userError(
      'LOG_PRESET',
      `the layout of ${shown} matches several presets equally (${names.join(', ')}): say which one`,
      {
        where: shown,
        hint: `add --preset ${names.join(' or --preset ')}`,
      },
    );
  }
  return { preset: top.p, fields: top.fields, matched: top.matched, sampled: recs.length };
}

/** "reading x as --preset litellm (detected: request_id, call_type, spend, startTime in 10 of 10 records)" */
export function detectionNote(d: Detection, shown: string): string {
  return `reading ${shown} as --preset ${d.preset.name} (detected from ${d.fields.join(', ')} in ${d.matched} of ${d.sampled} records; --preset overrides)`;
}
