// The outputs of `llmcost fit`: the scenario file it writes (the fitted profile with a comment on
// every fitted value: what it was fitted from, from how many rows; prompt-cache as its one
// strategy when the log says what its prompts share, so `simulate` shows the cache at this volume
// and at any other), and the fidelity check's table (the log against the fitted scenario).
import { Document, isMap, isScalar, isSeq, type Node, visit } from 'yaml';
import { int, signedPct, usd } from './format.js';

/** What traffic/fit.ts fitted, as the scenario renderer reads it. */
export interface FittedProfile {
  /** the profile in the scenario file's own form */
  profile: Record<string, unknown>;
  /** comment per path under the profile ('segments.0.turns'): what the value was fitted from */
  notes: Map<string, string>;
  summary: {
    requests: number;
    conversations: number;
    retries: number;
    failed: number;
    segments: number;
    prefixes: number;
    historyMode: boolean;
    linkedBy: 'conversation_id' | 'prefix blocks' | 'none';
  };
}

/** One side of the fidelity check. */
export interface FidelityFigures {
  requests: number;
  /** USD, the baseline before caching (cached tokens a log reports billed as plain input) */
  baselineUsd: number;
  /** USD, after every strategy */
  finalUsd: number;
  /** share (0..1) of input tokens read from a cache after the strategies */
  hitRate: number;
}

/** The log replayed through the fitted scenario's strategies, and the scenario simulated per seed. */
export interface Fidelity {
  log: FidelityFigures;
  fitted: FidelityFigures[];
  /** mean over the seeds */
  mean: FidelityFigures;
}

export interface FittedScenarioMeta {
  /** the log as the user named it */
  log: string;
  /** the command line that fitted it (said in the header) */
  command: string;
  /** read, rejected and skipped rows of the log */
  rows: { read: number; rejected: number; skipped: number };
  /** the log spans several pricing tables: price the profile as of this date (its last day) */
  asOf?: string;
  /** requests whose shared prefix was inferred from their cache counts (the log has no prefix columns) */
  inferredPrefixes?: number;
}

/** The scenario name: fit- and the log's file name without extensions, in the characters names allow. */
export function fittedName(log: string): string {
  const base = log === '-' ? 'stdin' : (log.split(/[\\/]/).filter(Boolean).pop() ?? 'log');
  return `fit-${base.replace(/(\.(csv|tsv|jsonl|json|parquet|gz))+$/i, '').replace(/[^\w.-]+/g, '-')}`;
}

export function fittedScenarioYaml(fit: FittedProfile, meta: FittedScenarioMeta): string {
  const s = fit.summary;
  const cache = s.prefixes > 0;
  const scenario: Record<string, unknown> = {
    name: fittedName(meta.log),
    description: `Traffic fitted from ${meta.log}: ${int(s.requests)} requests, ${int(s.conversations)} conversations, ${int(s.segments)} segment${s.segments === 1 ? '' : 's'}`,
    seed: 1,
    ...(meta.asOf ? { pricing: { as_of: meta.asOf } } : {}),
    traffic: { profile: fit.profile },
    strategies: cache ? [{ use: 'prompt-cache', scope: 'all' }] : [],
  };
  const doc = new Document(scenario);
  // number lists on one line (curves, empirical values and weights)
  visit(doc, {
    Seq(_, n) {
      if (n.items.every((i) => isScalar(i) && typeof i.value === 'number')) n.flow = true;
    },
  });
  const linked =
    s.linkedBy === 'conversation_id'
      ? `turns grouped by conversation_id${s.historyMode ? '' : " (the log's turns do not resend history: fitted as independent requests)"}`
      : s.linkedBy === 'prefix blocks'
        ? 'turns linked by prompts that extend an earlier prompt (hash blocks)'
        : 'no conversation ids or prefix chains: every request is a conversation of one turn';
  doc.commentBefore = [
    ` Fitted by: ${meta.command}`,
    ` From ${int(meta.rows.read)} rows of ${meta.log}: ${int(s.requests)} billed requests fitted; ${int(s.retries)} retries and ${int(s.failed)} failed calls counted in the error rates${meta.rows.rejected ? `; ${int(meta.rows.rejected)} rejected` : ''}${meta.rows.skipped ? `; ${int(meta.rows.skipped)} skipped (not billed calls)` : ''}.`,
    ` ${linked}; ${int(s.prefixes)} distinct shared prefixes${meta.inferredPrefixes ? ` (inferred from the cache reads + writes ${int(meta.inferredPrefixes)} requests report: the log has no prefix columns)` : ''}.`,
    " Every distribution is the log's own (empirical; large samples in equal-count bins at their mean).",
    ' Cached tokens the log reports are not fitted: caching is the prompt-cache step, so it follows volume.',
    ` Fidelity: docs/fit.md (fit --check measures it). Growth: simulate THIS.yaml --scale 3x, or sweep --set traffic.profile.scale=1,2,5,10`,
  ].join('\n');
  const profilePath = ['traffic', 'profile'];
  for (const [path, text] of fit.notes) {
    const parts = path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const last = parts.pop()!;
    const parent = doc.getIn([...profilePath, ...parts], true) as Node | undefined;
    if (!parent || !isMap(parent)) continue;
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    if (pair && isScalar(pair.key)) pair.key.commentBefore = ` ${text}`;
  }
  if (meta.asOf) {
    const pricing = doc.get('pricing', true);
    if (isMap(pricing))
      pricing.commentBefore =
        ' the log spans several pricing tables: the table in force on its last day prices every request (replay prices each row by its date)';
  }
  if (cache) {
    const strategies = doc.get('strategies', true);
    if (isSeq(strategies))
      strategies.commentBefore =
        ' prompt caching as the provider would do it (realistic rules, 5-minute TTL): the hit rate at this volume and at --scale';
  }
  return doc.toString({ lineWidth: 120 });
}

/** The fidelity check as a small table: the log, the fitted scenario's mean over seeds, the difference, the seeds' range. */
export function fidelityText(f: Fidelity): string {
  const n = f.fitted.length;
  const rel = (a: number, b: number): string =>
    b === 0 ? (a === 0 ? '0.0%' : 'n/a') : signedPct(((a - b) / b) * 100, 1);
  const hit = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const range = (k: keyof FidelityFigures, show: (x: number) => string): string => {
    const v = f.fitted.map((x) => x[k]);
    return `${show(Math.min(...v))} .. ${show(Math.max(...v))}`;
  };
  const m = f.mean;
  const rows: string[][] = [
    ['', 'log', `fitted (mean of ${n})`, 'difference', 'seeds'],
    ['requests', int(f.log.requests), int(m.requests), rel(m.requests, f.log.requests), range('requests', int)],
    [
      'baseline (before caching)',
      usd(f.log.baselineUsd),
      usd(m.baselineUsd),
      rel(m.baselineUsd, f.log.baselineUsd),
      range('baselineUsd', usd),
    ],
    [
      'after the strategies',
      usd(f.log.finalUsd),
      usd(m.finalUsd),
      rel(m.finalUsd, f.log.finalUsd),
      range('finalUsd', usd),
    ],
    [
      'cache hit rate (input tokens)',
      hit(f.log.hitRate),
      hit(m.hitRate),
      `${signedPoints(m.hitRate - f.log.hitRate)} pt`,
      range('hitRate', hit),
    ],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  '));
  return `fidelity: the log replayed through the scenario's strategies vs the scenario simulated (seeds 1..${n}); docs/fit.md\n${lines.join('\n')}\n`;
}

function signedPoints(d: number): string {
  const s = (Math.abs(d) * 100).toFixed(1);
  return d > 0 && s !== '0.0' ? `+${s}` : d < 0 && s !== '0.0' ? `-${s}` : s;
}
