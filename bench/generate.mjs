// Seeded generator of a canonical request-log CSV for the benchmark: prefixes (prompt versions),
// conversations with growing history, tenants, retries. Streams to disk; never holds the rows.
// usage: node bench/generate.mjs OUT.csv ROWS [--text]   (--text adds prompt/completion text, no token counts)
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from '../dist/engine/rng.js';

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
  const words =
    'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first been call who oil its now find long down day did get come made may part'.split(
      ' ',
    );
  const sentence = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += (i ? ' ' : '') + words[rng.int(words.length)];
    return s;
  };
  const startMs = Date.UTC(2026, 9, 1);
  // Average gap so that ROWS span about 30 days.
  const meanGapMs = (30 * 86_400_000) / rows;
  let t = startMs;
  const convs = [];
  let buf = '';
  for (let i = 0; i < rows; i++) {
    t += rng.exponential(1 / meanGapMs);
    let conv;
    if (convs.length && rng.next() < 0.6) conv = convs[rng.int(convs.length)];
    else {
      const f0 = features[rng.int(features.length)];
      const tenant0 = tenants[Math.min(tenants.length - 1, Math.floor(-Math.log(1 - rng.next()) * 2))];
      conv = { id: `c${i}`, turns: 0, history: 0, f: f0, tenant: tenant0 };
      if (convs.length < 2000) convs.push(conv);
      else convs[rng.int(convs.length)] = conv;
    }
    const f = conv.f;
    const tenant = conv.tenant;
    const user = 50 + rng.int(400);
    const output = 80 + rng.int(600);
    const input = f.sys + conv.history + user;
    conv.history += user + output;
    conv.turns++;
    if (conv.turns > 12) conv.history = 0;
    const failed = rng.next() < 0.02;
    const ts = new Date(Math.floor(t)).toISOString();
    if (text) {
      buf += `${ts},r${i},${f.model},${tenant},${f.name},${f.version},${conv.id},${failed ? 'error' : 'ok'},"${sentence((user % 60) + 5)}","${sentence((output % 40) + 5)}"\n`;
    } else {
      buf += `${ts},r${i},${f.model},${input},${failed ? 0 : output},${tenant},${f.name},${f.version},sys:${f.version},${f.sys},${conv.id},${failed ? 'error' : 'ok'},,${rng.next() < 0.3}\n`;
      if (failed) {
        i++;
        t += 2000; // the client retries 2 s later; later rows come after it (the log stays sorted)
        if (i < rows)
          buf += `${new Date(Math.floor(t)).toISOString()},r${i},${f.model},${input},${output},${tenant},${f.name},${f.version},sys:${f.version},${f.sys},${conv.id},ok,r${i - 1},false\n`;
      }
    }
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.write(buf);
  out.end();
  await once(out, 'finish');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, rows, flag] = process.argv.slice(2);
  await generateLog(file, Number(rows), { text: flag === '--text' });
}
