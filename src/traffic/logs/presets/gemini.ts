// Google's GenerateContentResponse (Gemini API and Vertex AI), one per line as a logger saves it,
// at the top level or under `response` (batch prediction output lines: Gemini API {key, response},
// Vertex {request, response, processed_time}; those are batch tier). Usage is usageMetadata:
// promptTokenCount INCLUDES the cached content (cachedContentTokenCount) and the prompt's audio
// (promptTokensDetails, modality AUDIO); candidatesTokenCount EXCLUDES the thinking tokens
// (thoughtsTokenCount, billed as output); toolUsePromptTokenCount (tool results fed back to the
// model: grounding, code execution) is input beside the prompt. Field names: docs/logs.md.
import { type Fields, lookup } from '../columns.js';
import type { Preset } from '../preset.js';

/** the usageMetadata of a record: its own, or its batch line's response's */
function usageOf(f: Fields): Record<string, unknown> | undefined {
  const u = lookup(f, 'usageMetadata') ?? lookup(f, 'response.usageMetadata');
  return u && typeof u === 'object' && !Array.isArray(u) ? (u as Record<string, unknown>) : undefined;
}

/** a batch prediction output line: Gemini API {key, response} or Vertex {request, response} */
const isBatchLine = (f: Fields): boolean =>
  lookup(f, 'response.usageMetadata') !== undefined && (f.key !== undefined || f.request !== undefined);

/** Fields computed by prepare() (names no Google object uses). */
const INPUT = '__llmcost_input';
const AUDIO = '__llmcost_audio_input';
const TIER = '__llmcost_tier';

export const GEMINI_PRESETS: Preset[] = [
  {
    name: 'gemini',
    summary:
      'Gemini API / Vertex AI GenerateContentResponse objects (usageMetadata: promptTokenCount with cachedContentTokenCount inside, candidatesTokenCount beside thoughtsTokenCount), top level or in batch output lines (batch tier)',
    columns: {
      timestamp: ['timestamp', 'createTime', 'response.createTime', 'processed_time', 'created_at'],
      request_id: ['responseId', 'response.responseId', 'key'],
      model: ['modelVersion', 'response.modelVersion', 'model'],
      input_tokens: [INPUT],
      output_tokens: ['usageMetadata.candidatesTokenCount', 'response.usageMetadata.candidatesTokenCount'],
      reasoning_tokens: ['usageMetadata.thoughtsTokenCount', 'response.usageMetadata.thoughtsTokenCount'],
      cached_input_tokens: ['usageMetadata.cachedContentTokenCount', 'response.usageMetadata.cachedContentTokenCount'],
      audio_input_tokens: [AUDIO],
      service_tier: [TIER],
    },
    cacheTokens: 'inside',
    // thinking tokens sit beside candidatesTokenCount: output = candidates + thoughts
    reasoningTokens: 'beside',
    detect: [
      ['usageMetadata.promptTokenCount', 'modelVersion'],
      ['response.usageMetadata.promptTokenCount', 'response.modelVersion'],
    ],
    prepare: (f: Fields): Fields => {
      const u = usageOf(f);
      if (!u) return f;
      const out: Fields = Object.assign(Object.create(null) as Fields, f);
      const prompt = u.promptTokenCount;
      const tools = u.toolUsePromptTokenCount;
      // the input billed: the prompt (cached content and audio inside it) plus the tool-use prompt
      out[INPUT] =
        typeof prompt === 'number' && typeof tools === 'number' && tools > 0 ? prompt + tools : (prompt ?? tools);
      const details = u.promptTokensDetails;
      if (Array.isArray(details)) {
        let audio = 0;
        for (const d of details)
          if (d && typeof d === 'object' && (d as { modality?: unknown }).modality === 'AUDIO') {
            const n = (d as { tokenCount?: unknown }).tokenCount;
            if (typeof n === 'number') audio += n;
          }
        if (audio > 0) out[AUDIO] = audio;
      }
      if (isBatchLine(f)) out[TIER] = 'batch';
      return out;
    },
    skip: (f: Fields) => {
      if (lookup(f, 'error') !== undefined && usageOf(f) === undefined) return 'Gemini error response (not billed)';
      const traffic = lookup(f, 'usageMetadata.trafficType') ?? lookup(f, 'response.usageMetadata.trafficType');
      return traffic === 'PROVISIONED_THROUGHPUT'
        ? 'Vertex AI Provisioned Throughput (billed per GSU, not per token)'
        : undefined;
    },
  },
];
