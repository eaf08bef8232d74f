// JSON Schema of the file formats (scenario, pricing table), for editor completion (e.g. the YAML
// language server: `# yaml-language-server: $schema=scenario.schema.json`).
import { z } from 'zod';
import { pricingTableSchema } from '../config/pricing-schema.js';
import { scenarioSchema } from '../config/scenario-schema.js';
import { suggestionHint, userError } from '../diagnostics.js';
import { STRATEGIES } from '../strategies/registry.js';
import { DIST_KEYS } from '../traffic/distributions.js';

type Json = Record<string, unknown>;
const OPTS = { io: 'input', unrepresentable: 'any' } as const;

/** The scenario schema with each strategy's own options spelled out under `strategies[]`. */
export function scenarioJsonSchema(): Json {
  const doc = z.toJSONSchema(scenarioSchema, OPTS) as Json;
  const variants: Json[] = [];
  for (const s of STRATEGIES) {
    let opts: Json;
    try {
      opts = z.toJSONSchema(s.options, OPTS) as Json;
    } catch {
      opts = { type: 'object' };
    }
    delete opts.$schema;
    const props = (opts.properties as Json | undefined) ?? {};
    variants.push({
      ...opts,
      type: 'object',
      description: s.summary,
      properties: { use: { const: s.name }, label: { type: 'string' }, ...props },
      required: ['use', ...((opts.required as string[] | undefined) ?? []).filter((k) => k !== 'use')],
    });
  }
  allowBareNumbers(doc);
  const props = doc.properties as Json;
  const strategies = props.strategies as Json;
  if (variants.length) strategies.items = { anyOf: variants };
  return { $id: 'https://llmcost.dev/schema/scenario.json', title: 'llmcost scenario', ...doc };
}

/** A distribution may be a bare number (fixed): the preprocess that allows it is invisible to JSON Schema. */
function allowBareNumbers(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) allowBareNumbers(item);
    return;
  }
  const o = node as Json;
  const props = o.properties as Json | undefined;
  if (props) {
    for (const k of DIST_KEYS) {
      const d = props[k] as Json | undefined;
      if (d && d.type === 'object')
        props[k] = { anyOf: [{ type: 'number', minimum: 0, description: 'fixed value' }, d] };
    }
  }
  for (const v of Object.values(o)) allowBareNumbers(v);
}

/** The JSON Schema of each file format, by name. */
export const SCHEMAS: Record<string, () => Json> = {
  scenario: scenarioJsonSchema,
  pricing: () => ({
    $id: 'https://llmcost.dev/schema/pricing.json',
    title: 'llmcost pricing table',
    ...(z.toJSONSchema(pricingTableSchema, OPTS) as Json),
  }),
};

/** The JSON Schema of one file format; an unknown kind is a located usage error. */
export function jsonSchema(kind: string): Json {
  const fn = SCHEMAS[kind];
  if (!fn)
    throw userError('USAGE', `unknown schema '${kind}'`, {
      where: 'schema argument',
      hint: suggestionHint(kind, Object.keys(SCHEMAS), `use one of: ${Object.keys(SCHEMAS).join(', ')}`),
    });
  return fn();
}
