// Seeded generator of a canonical request-log CSV for the benchmark. Streams to disk, sorted by
// timestamp, never holding more than the conversations in flight.
//
// Shape (so every strategy of the bench waterfall has work, and a 1% sample by prefix key keeps
// enough keys to give a band):
// - WORKSPACES customer workspaces of 8 tenants (skewed shares); each workspace has its own system
//   prompt per feature, so prefix_key = sys:<prompt version>:<workspace> (4 x WORKSPACES keys) and
//   prefix_tokens = the feature's prompt plus the workspace's own instructions;
// - conversations arrive as a Poisson stream; turns follow each other after a think time (median
//   ~40 s), each turn carrying the growing history in input_tokens;
// - 2% of calls fail and are retried 2 s later (retry_of = the failed call); 0.5% of successful
//   calls are retried anyway 30 s later (the client timed out while the provider finished), which
//   is what dedupe-retries drops; 30% are batchable.
// usage: node bench/generate.mjs OUT.csv ROWS [--text]   (--text: prompt/completion text, no token counts)
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from '../dist/engine/rng.js';

export const WORKSPACES = 1000;
const DAYS = 30;

/** A binary min-heap of [atMs, seq, payload] (seq breaks ties: same-time events in creation order). */
class Heap {
  items = [];
  push(e) {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop() {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l], a[m])) m = l;
        if (r < a.length && less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
  get size() {
    return this.items.length;
  }
}
const less = (x, y) => x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]);

export async function generateLog(file, rows, { text = false, seed = 42 } = {}) {
  const rng = createRng(seed);
  const out = createWriteStream(file);
  const head = text
    ? 'timestamp,request_id,model,tenant,feature,prompt_version,conversation_id,status,prompt,completion'
    : 'timestamp,request_id,model,input_tokens,output_tokens,tenant,feature,prompt_version,prefix_key,prefix_tokens,conversation_id,status,retry_of,batchable';
  out.write(`${head}\n`);
  const tenants = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'tyrell'];
  const features = [
    { name: 'support', model: 'claude-sonnet-4-5', sys: 2400, version: 'support_v14' },
    { name: 'search', model: 'gpt-4.1-mini', sys: 1800, version: 'search_v3' },
    { name: 'summarise', model: 'gemini-2.5-flash', sys: 3200, version: 'sum_v7' },
    { name: 'code', model: 'claude-sonnet-4-5', sys: 6000, version: 'code_v2' },
  ];
  // Workspaces: a tenant each (geometric-like shares), a lognormal size, own instructions.
  const workspaces = [];
  let totalWeight = 0;
  for (let w = 0; w < WORKSPACES; w++) {
    const tenant = tenants[Math.min(tenants.length - 1, Math.floor(-Math.log(1 - rng.next()) * 2))];
    const weight = Math.exp(0.8 * rng.normal());
    totalWeight += weight;
    workspaces.push({ id: `ws${String(w).padStart(4, '0')}`, tenant, extra: rng.int(800), cum: totalWeight });
  }
  const pickWorkspace = () => {
    const u = rng.next() * totalWeight;
    let lo = 0;
    let hi = workspaces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (workspaces[mid].cum > u) hi = mid;
      else lo = mid + 1;
    }
    return workspaces[lo];
  };
  const words =
    'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first been call who oil its now find long down day did get come made may part'.split(
      ' ',
    );
  const sentence = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += (i ? ' ' : '') + words[rng.int(words.length)];
    return s;
  };
  // turns = 1 + floor(Exp(mean 1.6)): 1 + 1/(e^(1/1.6) - 1) ~ 2.15 on average, ~1.025 rows per turn
  // (retries): the conversation rate that fills DAYS.
  const rowsPerConversation = (1 + 1 / (Math.exp(1 / 1.6) - 1)) * 1.025;
  const meanConvGapMs = (DAYS * 86_400_000) / (rows / rowsPerConversation);
  const startMs = Date.UTC(2026, 9, 1);
  const heap = new Heap();
  let seq = 0;
  let convs = 0;
  let nextConvMs = startMs + rng.exponential(1 / meanConvGapMs);
  const lognormalS = (medianS, sigma) => medianS * Math.exp(sigma * rng.normal());

  let written = 0;
  let buf = '';
  const flush = async () => {
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  };
  const row = (t, id, conv, input, output, status, retryOf, batchable) => {
    const f = conv.f;
    const ts = new Date(Math.floor(t)).toISOString();
    if (text) {
      buf += `${ts},${id},${f.model},${conv.ws.tenant},${f.name},${f.version},${conv.id},${status},"${sentence((input % 60) + 5)}","${sentence((output % 40) + 5)}"\n`;
    } else {
      buf += `${ts},${id},${f.model},${input},${status === 'ok' ? output : 0},${conv.ws.tenant},${f.name},${f.version},sys:${f.version}:${conv.ws.id},${f.sys + conv.ws.extra},${conv.id},${status},${retryOf},${batchable}\n`;
    }
    written++;
  };

  while (written < rows) {
    // the next event: a new conversation, or a pending turn / retry, whichever comes first
    if (!heap.size || nextConvMs <= heap.items[0][0]) {
      const conv = {
        id: `c${convs++}`,
        f: features[rng.int(features.length)],
        ws: pickWorkspace(),
        history: 0,
        turnsLeft: Math.min(28, 1 + Math.floor(-Math.log(1 - rng.next()) * 1.6)),
      };
      heap.push([nextConvMs, seq++, { kind: 'turn', conv }]);
      nextConvMs += rng.exponential(1 / meanConvGapMs);
      continue;
    }
    const [t, , e] = heap.pop();
    const conv = e.conv;
    if (e.kind === 'turn') {
      const user = 50 + rng.int(400);
      const output = 80 + rng.int(600);
      const input = conv.f.sys + conv.ws.extra + conv.history + user;
      const id = `r${written}`;
      const failed = rng.next() < 0.02;
      const batchable = rng.next() < 0.3;
      row(t, id, conv, input, output, failed ? 'error' : 'ok', '', batchable);
      if (failed) heap.push([t + 2000, seq++, { kind: 'retry', conv, of: id, input, output }]);
      else if (rng.next() < 0.005) heap.push([t + 30_000, seq++, { kind: 'retry', conv, of: id, input, output }]);
      conv.history += user + output;
      if (--conv.turnsLeft > 0) heap.push([t + lognormalS(40_000, 0.7), seq++, { kind: 'turn', conv }]);
    } else {
      row(t, `r${written}`, conv, e.input, e.output, 'ok', e.of, false);
    }
    if (buf.length > 1 << 16) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, rows, flag] = process.argv.slice(2);
  await generateLog(file, Number(rows), { text: flag === '--text' });
}
