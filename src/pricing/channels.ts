// Provider channels: the ids Bedrock, Vertex AI and Azure OpenAI (and gateways such as LiteLLM
// that log them) give a model, taken apart into the model a pricing table knows and the channel
// endpoint that served it. Pure string rules, no prices: the endpoint's multiplier lives in the
// table (`uplift:` per model), so a channel price is as dated and sourced as the model's own.
// Rules and sources: docs/pricing-sources.md, "Provider channels".
import type { EndpointKind } from '../config/pricing-schema.js';

export type ChannelName = 'bedrock' | 'vertex' | 'azure';
/** global = the vendor's price; regional / data-zone may carry an uplift; in-region = Bedrock without a geo prefix */
export type Endpoint = 'global' | 'regional' | 'data-zone' | 'in-region';

export interface Channel {
  name: ChannelName;
  endpoint: Endpoint;
}

/** One way to read a raw id: the model name to look up, and the channel it came through (none = direct). */
export interface ChannelMatch {
  model: string;
  channel?: Channel;
}

/** Gateway prefixes that name the vendor's own API (no channel price): openai/gpt-4o, gemini/gemini-2.5-pro. */
const DIRECT = /^(?:openai|anthropic|google|gemini|models)\//;
/**
 * OpenRouter's ids as LiteLLM names them: openrouter/VENDOR/MODEL, with a routing variant (:nitro,
 * :floor, :thinking, ...) that does not change the model's price; :free (a free model, $0) is not
 * one of them. OpenRouter bills a model at its provider's list price (https://openrouter.ai/docs/faq),
 * so the vendor's own model is read first for the vendors the tables curate, then the catalog's
 * openrouter/ entry without the variant.
 */
const OPENROUTER = /^openrouter\/([^:]+)(?::(?!free$)[a-z-]+)?$/;
/** the vendors whose own ids the tables carry (OpenRouter: openai/gpt-4o, anthropic/claude-sonnet-4.5) */
const OPENROUTER_DIRECT = /^(?:openai|anthropic|google)\//;
/** Bedrock geographic inference-profile prefixes (cross-region inference): regional, except global. */
const BEDROCK_GEO = /^(global|us|eu|apac|jp|au|ca)\./;
/** Bedrock model-vendor prefixes: anthropic.claude-..., meta.llama3-..., mistral.mistral-large-... */
const BEDROCK_VENDOR = /^(?:anthropic|meta|mistral|cohere|amazon|ai21|deepseek|qwen|openai|writer|twelvelabs|luma)\./;
/** Bedrock version suffixes: -v1:0, -v2:0, -v1, and a bare :0 */
const BEDROCK_VERSION = /(?:-v\d+(?::\d+)?|:\d+)$/;
/** AWS region path segment a gateway may put after bedrock/ (bedrock/us-east-1/anthropic...) */
const AWS_REGION = /^([a-z]{2}(?:-gov)?-[a-z]+-\d)\//;
/** Vertex AI location segment (vertex_ai/us-east5/claude-...): global, or a region = regional endpoint */
const GCP_LOCATION = /^(global|[a-z]+-[a-z]+\d+)\//;
/** Vertex AI version pins: claude-sonnet-4-5@20250929, @default, @latest */
const VERTEX_VERSION = /@(?:\d{8}|default|latest)$/;
/** Azure deployment zones as LiteLLM writes them (azure/eu/gpt-4o): eu/us are Data Zone deployments */
const AZURE_ZONE = /^(global|eu|us|data-?zone|regional)\//;
/**
 * A Vertex AI model resource name, as Vertex's own logs and batch jobs write it:
 * [projects/P/locations/L/]publishers/VENDOR/models/MODEL[@version]. Read as vertex_ai/[L/]MODEL.
 */
const VERTEX_RESOURCE = /^(?:projects\/[^/]+\/locations\/([^/]+)\/)?publishers\/[^/]+\/models\/(.+)$/;
/** ARN of a foundation model or system inference profile (an application profile names no model) */
const BEDROCK_ARN = /^arn:aws[\w-]*:bedrock:[a-z0-9-]*:\d*:(?:foundation-model|inference-profile)\/(.+)$/;

/**
 * Whether an id is a Bedrock application inference profile's ARN: it names no model (its account
 * made it), so it is a deployment to map, as BEDROCK_ARN's ids are not.
 */
export function isApplicationProfile(id: string): boolean {
  return /^arn:aws[\w-]*:bedrock:[a-z0-9-]*:\d*:application-inference-profile\//i.test(id);
}

/** The table key of an endpoint's multiplier, if that endpoint can carry one. */
export function upliftKey(c: Channel): EndpointKind | undefined {
  if (c.name === 'bedrock' && c.endpoint === 'regional') return 'bedrock-regional';
  if (c.name === 'vertex' && c.endpoint === 'regional') return 'vertex-regional';
  if (c.name === 'azure' && c.endpoint === 'data-zone') return 'azure-data-zone';
  if (c.name === 'azure' && c.endpoint === 'regional') return 'azure-regional';
  return undefined;
}

export function channelLabel(c: Channel): string {
  return `${c.name} ${c.endpoint}`;
}

/** A Bedrock model id after any gateway path: [geo.]vendor.model[-vN:M] -> the model and its endpoint. */
function bedrockId(s: string, gov: boolean): ChannelMatch | undefined {
  let rest = s;
  let endpoint: Endpoint = 'in-region';
  const geo = BEDROCK_GEO.exec(rest);
  if (geo) {
    endpoint = geo[1] === 'global' ? 'global' : 'regional';
    rest = rest.slice(geo[0].length);
  }
  if (!BEDROCK_VENDOR.test(rest)) return undefined;
  // GovCloud has its own prices (not the commercial regional uplift): left to the catalog.
  if (gov || /^us-gov\./.test(s)) return undefined;
  rest = rest.replace(BEDROCK_VENDOR, '').replace(BEDROCK_VERSION, '');
  return { model: rest, channel: { name: 'bedrock', endpoint } };
}

/** A vendor-prefixed id (openai/gpt-4o, models/gemini-2.5-pro): the model, and Claude's dotted versions dashed. */
function directReadings(s: string): ChannelMatch[] {
  const model = s.replace(DIRECT, '').replace(/^models\//, '');
  // OpenRouter spells Claude's versions with a dot (anthropic/claude-sonnet-4.5, claude-3.5-sonnet)
  return model.startsWith('claude-') && /\d\.\d/.test(model)
    ? [{ model }, { model: model.replace(/(\d)\.(?=\d)/g, '$1-') }]
    : [{ model }];
}

/**
 * Readings of a raw model id, most specific first. The caller looks each `model` up in a table
 * and takes the first hit. Input: trimmed, lower-case.
 */
export function channelReadings(key: string): ChannelMatch[] {
  const out: ChannelMatch[] = [];
  let s = key;
  const arn = BEDROCK_ARN.exec(s);
  if (arn) s = `bedrock/${arn[1]}`;
  const resource = VERTEX_RESOURCE.exec(s);
  if (resource) s = `vertex_ai/${resource[1] ? `${resource[1]}/` : ''}${resource[2]}`;
  const routed = OPENROUTER.exec(s);
  if (routed) {
    const model = routed[1]!;
    if (OPENROUTER_DIRECT.test(model)) out.push(...directReadings(model));
    if (s !== `openrouter/${model}`) out.push({ model: `openrouter/${model}` });
    return out;
  }
  if (DIRECT.test(s)) return directReadings(s);
  if (s.startsWith('bedrock/')) {
    s = s.slice('bedrock/'.length).replace(/^(?:converse|invoke)\//, '');
    const region = AWS_REGION.exec(s);
    if (region) s = s.slice(region[0].length);
    const b = bedrockId(s, region?.[1]?.includes('-gov-') ?? false);
    // bedrock/claude-sonnet-4-5-20250929-v1:0 (no vendor prefix) also occurs in gateway logs
    out.push(b ?? { model: s.replace(BEDROCK_VERSION, ''), channel: { name: 'bedrock', endpoint: 'in-region' } });
    return out;
  }
  const bedrock = bedrockId(s, false);
  if (bedrock) return [bedrock];
  if (s.startsWith('vertex_ai/')) {
    s = s.slice('vertex_ai/'.length);
    let endpoint: Endpoint = 'global';
    const loc = GCP_LOCATION.exec(s);
    if (loc) {
      endpoint = loc[1] === 'global' ? 'global' : 'regional';
      s = s.slice(loc[0].length);
    }
    out.push({ model: s.replace(VERTEX_VERSION, ''), channel: { name: 'vertex', endpoint } });
    return out;
  }
  if (VERTEX_VERSION.test(s))
    return [{ model: s.replace(VERTEX_VERSION, ''), channel: { name: 'vertex', endpoint: 'global' } }];
  if (s.startsWith('azure/') || s.startsWith('azure_ai/')) {
    s = s.slice(s.indexOf('/') + 1);
    let endpoint: Endpoint = 'global';
    const zone = AZURE_ZONE.exec(s);
    if (zone) {
      endpoint = zone[1] === 'global' ? 'global' : zone[1] === 'regional' ? 'regional' : 'data-zone';
      s = s.slice(zone[0].length);
    }
    out.push({ model: s, channel: { name: 'azure', endpoint } });
  }
  return out;
}

/** NAME of an `azure/NAME` id that names no deployment zone (a deployment its owner named), else undefined. */
export function azureDeploymentName(m: string): string | undefined {
  const name = /^azure\/(.+)$/i.exec(m)?.[1];
  return name === undefined || AZURE_ZONE.test(name.toLowerCase()) ? undefined : name;
}

/** `azure/NAME` and `NAME` are the same deployment: the key a deployment map is looked up by. */
export function deploymentKey(key: string): string {
  return key.replace(/^azure\//, '');
}

/**
 * A mapped deployment as a channel id: a plain model becomes azure/MODEL (Azure deployments are
 * what the map is for); a target that already names a channel (us.anthropic..., azure/eu/...) is kept.
 */
export function deploymentTarget(target: string): string {
  const t = target.trim().toLowerCase();
  return channelReadings(t).some((r) => r.channel) ? t : `azure/${t}`;
}
