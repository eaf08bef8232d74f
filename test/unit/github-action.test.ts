// The GitHub Action's script (scripts/github-action.mjs behind action.yml), run locally: a fake
// GitHub API keeps comments in memory, the CLI runs in-process, the job summary and step outputs
// are temporary files. Nothing reaches the network.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COMMENT_LIMIT,
  cliArgs,
  commentBody,
  commentMarker,
  eventNumber,
  githubApi,
  main,
  readInputs,
  splitArgs,
  upsertComment,
} from '../../scripts/github-action.mjs';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface Comment {
  id: number;
  body: string;
  html_url: string;
}

/** An in-memory issue-comments API with GitHub's paths and paging; records every call. */
function fakeGitHub(initial: string[] = []) {
  const comments: Comment[] = initial.map((body, i) => ({ id: i + 1, body, html_url: `https://x/c/${i + 1}` }));
  const calls: string[] = [];
  let next = comments.length + 1;
  const api = async (method: string, path: string, body?: { body: string }) => {
    calls.push(`${method} ${path}`);
    const list = /^\/repos\/o\/r\/issues\/7\/comments\?per_page=(\d+)&page=(\d+)$/.exec(path);
    if (method === 'GET' && list) {
      const per = Number(list[1]);
      const page = Number(list[2]);
      return comments.slice((page - 1) * per, page * per);
    }
    const one = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(path);
    if (method === 'PATCH' && one) {
      const c = comments.find((x) => x.id === Number(one[1]))!;
      c.body = body!.body;
      return c;
    }
    if (method === 'POST' && path === '/repos/o/r/issues/7/comments') {
      const c = { id: next, body: body!.body, html_url: `https://x/c/${next++}` };
      comments.push(c);
      return c;
    }
    throw new Error(`fake GitHub: unexpected ${method} ${path}`);
  };
  return { api, comments, calls };
}

describe('splitArgs', () => {
  it('splits on whitespace and newlines, groups quotes, expands nothing', () => {
    expect(splitArgs('a.yaml  b.yaml\n--by tenant')).toEqual(['a.yaml', 'b.yaml', '--by', 'tenant']);
    expect(splitArgs(`"my file.yaml" 'it''s' $HOME \`x\``)).toEqual(['my file.yaml', 'its', '$HOME', '`x`']);
    expect(splitArgs('a\\ b "q\\"uote" \'\'')).toEqual(['a b', 'q"uote', '']);
    expect(splitArgs('   ')).toEqual([]);
    expect(() => splitArgs('"open')).toThrow(/quote is not closed/);
  });
});

describe('inputs', () => {
  it('reads the inputs, defaults the marker to the command, rejects an unknown command or boolean', () => {
    const i = readInputs({ INPUT_COMMAND: 'diff', INPUT_ARGS: 'a.yaml b.yaml', INPUT_COMMENT: 'true' });
    expect(i).toMatchObject({ command: 'diff', args: ['a.yaml', 'b.yaml'], comment: true, failOnIncrease: true });
    expect(i.marker).toBe('<!-- llmcost:diff -->');
    expect(readInputs({ INPUT_COMMAND: 'drift', INPUT_COMMENT_ID: 'prices' }).marker).toBe('<!-- llmcost:prices -->');
    expect(() => readInputs({ INPUT_COMMAND: 'simulate' })).toThrow(/not one of: diff, drift/);
    expect(() => readInputs({ INPUT_COMMAND: 'diff', INPUT_COMMENT: 'yes' })).toThrow(/comment must be true or false/);
    expect(() => commentMarker('a b')).toThrow(/letters, digits/);
  });

  it('passes the limit: a USD limit to drift as --max-increase-usd, anything to diff as --max-increase', () => {
    const base = { args: ['x'], baseRef: '', comment: false, marker: '', failOnIncrease: true };
    expect(cliArgs({ ...base, command: 'drift', maxIncrease: '$50' }, 'o.md')).toEqual([
      'drift',
      'x',
      '--max-increase-usd',
      '50',
      '--format',
      'md',
      '--out',
      'o.md',
    ]);
    expect(cliArgs({ ...base, command: 'drift', maxIncrease: '5%' }, 'o.md').slice(2, 4)).toEqual([
      '--max-increase',
      '5%',
    ]);
    expect(cliArgs({ ...base, command: 'diff', maxIncrease: '$50' }, 'o.md').slice(2, 4)).toEqual([
      '--max-increase',
      '$50',
    ]);
  });

  it('finds the pull request number of the event', () => {
    expect(eventNumber({ pull_request: { number: 7 } })).toBe(7);
    expect(eventNumber({ issue: { number: 3 } })).toBe(3);
    expect(eventNumber({ ref: 'refs/heads/main' })).toBeNull();
    expect(eventNumber(null)).toBeNull();
  });

  it('cuts a body longer than a comment may be, keeping the marker', () => {
    const b = commentBody('<!-- llmcost:diff -->', 'x'.repeat(COMMENT_LIMIT * 2));
    expect(b.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(b.startsWith('<!-- llmcost:diff -->\n')).toBe(true);
    expect(b).toMatch(/job summary has it whole/);
  });
});

describe('upsertComment', () => {
  const marker = '<!-- llmcost:diff -->';

  it('adds a comment when none carries the marker, then edits that one on the next run', async () => {
    const gh = fakeGitHub(['a human comment', '<!-- llmcost:drift -->\nthe drift report']);
    const first = await upsertComment({ api: gh.api, repo: 'o/r', issue: 7, marker, body: `${marker}\nv1` });
    expect(first.action).toBe('created');
    const second = await upsertComment({ api: gh.api, repo: 'o/r', issue: 7, marker, body: `${marker}\nv2` });
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    const third = await upsertComment({ api: gh.api, repo: 'o/r', issue: 7, marker, body: `${marker}\nv2` });
    expect(third.action).toBe('unchanged');
    expect(gh.comments.map((c) => c.body)).toEqual([
      'a human comment',
      '<!-- llmcost:drift -->\nthe drift report',
      `${marker}\nv2`,
    ]);
  });

  it('pages through the comments to find its own (on page 2 of 100)', async () => {
    const gh = fakeGitHub([...Array.from({ length: 150 }, (_, i) => `comment ${i}`), `${marker}\nold`]);
    const r = await upsertComment({ api: gh.api, repo: 'o/r', issue: 7, marker, body: `${marker}\nnew` });
    expect(r).toMatchObject({ action: 'updated', id: 151 });
    expect(gh.calls).toEqual([
      'GET /repos/o/r/issues/7/comments?per_page=100&page=1',
      'GET /repos/o/r/issues/7/comments?per_page=100&page=2',
      'PATCH /repos/o/r/issues/comments/151',
    ]);
    expect(gh.comments).toHaveLength(151);
  });
});

describe('githubApi', () => {
  it('calls the REST API with the token and JSON, and throws on an HTTP error', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetchFn = async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return url.endsWith('/bad')
        ? new Response('{"message":"Resource not accessible by integration"}', { status: 403 })
        : new Response('{"id":1}', { status: 200 });
    };
    const api = githubApi({ token: 't0k', apiUrl: 'https://ghe.example/api/v3', fetchFn });
    expect(await api('POST', '/repos/o/r/issues/7/comments', { body: 'hi' })).toEqual({ id: 1 });
    expect(seen[0]!.url).toBe('https://ghe.example/api/v3/repos/o/r/issues/7/comments');
    expect(seen[0]!.init.method).toBe('POST');
    expect((seen[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer t0k');
    expect(seen[0]!.init.body).toBe('{"body":"hi"}');
    await expect(api('GET', '/bad')).rejects.toThrow(/HTTP 403 .*not accessible/);
  });
});

/** A runner's files: job summary, step outputs, the event; the CLI in-process. */
function runner(event: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'llmcost-action-'));
  const files = { summary: join(dir, 'summary.md'), output: join(dir, 'output.txt'), event: join(dir, 'event.json') };
  writeFileSync(files.summary, '');
  writeFileSync(files.output, '');
  writeFileSync(files.event, JSON.stringify(event));
  const logs: string[] = [];
  const env = (inputs: Record<string, string>) => ({
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: 'o/r',
    ...inputs,
  });
  const cli = async (args: string[], cwd: string) => (await runCli(args, { cwd })).code;
  return { dir, files, logs, env, cli, log: (l: string) => logs.push(l) };
}

describe('the action end to end (in-process CLI, fake GitHub)', () => {
  const PR = { pull_request: { number: 7 } };
  const args = 'test/fixtures/diff/base.yaml test/fixtures/diff/head.yaml';

  it('diff past the limit: summary written, one comment created then updated, exit 1', async () => {
    const r = runner(PR);
    const gh = fakeGitHub();
    const inputs = { INPUT_COMMAND: 'diff', INPUT_ARGS: args, INPUT_MAX_INCREASE: '1', INPUT_COMMENT: 'true' };
    const run = () => main({ env: r.env(inputs), cli: r.cli, api: gh.api, log: r.log, tempDir: r.dir, cwd: ROOT });
    expect(await run()).toBe(1);
    const summary = readFileSync(r.files.summary, 'utf8');
    expect(summary).toMatch(/### LLM cost review/);
    expect(summary).toMatch(/\*\*FAILED\*\*/);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body.startsWith('<!-- llmcost:diff -->\n### LLM cost review')).toBe(true);
    const outputs = readFileSync(r.files.output, 'utf8');
    expect(outputs).toMatch(/^exit-code=1$/m);
    expect(outputs).toMatch(/^comment-url=https:\/\/x\/c\/1$/m);
    // a second push: the same comment is edited, not a second one added
    expect(await run()).toBe(1);
    expect(gh.comments).toHaveLength(1);
    expect(gh.calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
  });

  it('fail-on-increase false: reported, the step passes; no pull request: no comment', async () => {
    const r = runner({ ref: 'refs/heads/main' });
    const gh = fakeGitHub();
    const inputs = {
      INPUT_COMMAND: 'diff',
      INPUT_ARGS: args,
      INPUT_MAX_INCREASE: '$0.000001',
      INPUT_COMMENT: 'true',
      INPUT_FAIL_ON_INCREASE: 'false',
    };
    expect(await main({ env: r.env(inputs), cli: r.cli, api: gh.api, log: r.log, tempDir: r.dir, cwd: ROOT })).toBe(0);
    expect(gh.calls).toEqual([]);
    expect(r.logs.join('\n')).toMatch(/no pull request in this event/);
    expect(r.logs.join('\n')).toMatch(/fail-on-increase is false/);
  });

  it('drift through the action: the drift report in the summary and its own comment', async () => {
    const r = runner(PR);
    const gh = fakeGitHub(['<!-- llmcost:diff -->\na diff comment']);
    const inputs = {
      INPUT_COMMAND: 'drift',
      INPUT_ARGS:
        '--baseline test/fixtures/pricing/old.yaml --current test/fixtures/pricing/new.yaml test/fixtures/pricing/drift/spiky.yaml',
      INPUT_MAX_INCREASE: '5',
      INPUT_COMMENT: 'true',
    };
    expect(await main({ env: r.env(inputs), cli: r.cli, api: gh.api, log: r.log, tempDir: r.dir, cwd: ROOT })).toBe(1);
    expect(readFileSync(r.files.summary, 'utf8')).toMatch(/### LLM cost drift/);
    expect(gh.comments.map((c) => c.body.split('\n')[0])).toEqual(['<!-- llmcost:diff -->', '<!-- llmcost:drift -->']);
  });

  it('a comment the token may not write is a warning; the check result stands', async () => {
    const r = runner(PR);
    const api = async () => {
      throw new Error('GitHub API GET /repos/o/r/issues/7/comments: HTTP 403');
    };
    const inputs = { INPUT_COMMAND: 'diff', INPUT_ARGS: args, INPUT_COMMENT: 'true' };
    expect(await main({ env: r.env(inputs), cli: r.cli, api, log: r.log, tempDir: r.dir, cwd: ROOT })).toBe(0);
    expect(r.logs.join('\n')).toMatch(/::warning title=llmcost action::could not comment on #7: .*HTTP 403/);
    expect(readFileSync(r.files.summary, 'utf8')).toMatch(/### LLM cost review/);
  });

  it('bad inputs: a workflow error and exit 2, the CLI not run', async () => {
    const r = runner(PR);
    let ran = false;
    const cli = async () => {
      ran = true;
      return 0;
    };
    const env = r.env({ INPUT_COMMAND: 'diff', INPUT_ARGS: '"a.yaml' });
    expect(await main({ env, cli, api: fakeGitHub().api, log: r.log, tempDir: r.dir, cwd: ROOT })).toBe(2);
    expect(ran).toBe(false);
    expect(r.logs[0]).toMatch(/^::error title=llmcost action::args: a " quote is not closed/);
  });

  it('base-ref: BASE_SCENARIO is read from the ref (a git worktree), and named ref:path in the report', async () => {
    const r = runner(PR);
    const repo = join(r.dir, 'repo');
    mkdirSync(join(repo, 'scenarios'), { recursive: true });
    const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    const scenario = readFileSync(join(ROOT, 'test/fixtures/diff/base.yaml'), 'utf8');
    writeFileSync(join(repo, 'scenarios/bot.yaml'), scenario);
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base');
    git('tag', 'base');
    // the pull request's change: the head scenario of the fixtures
    writeFileSync(join(repo, 'scenarios/bot.yaml'), readFileSync(join(ROOT, 'test/fixtures/diff/head.yaml'), 'utf8'));
    const inputs = {
      INPUT_COMMAND: 'diff',
      INPUT_ARGS: 'scenarios/bot.yaml scenarios/bot.yaml',
      INPUT_BASE_REF: 'base',
    };
    expect(
      await main({ env: r.env(inputs), cli: r.cli, api: fakeGitHub().api, log: r.log, tempDir: r.dir, cwd: repo }),
    ).toBe(0);
    const summary = readFileSync(r.files.summary, 'utf8');
    expect(summary).toMatch(/`base:scenarios\/bot\.yaml` → `scenarios\/bot\.yaml`/);
    expect(summary).not.toContain(r.dir);
    expect(summary).toMatch(/\*\*\+\$/);
  });
});

describe('action.yml', () => {
  it('passes every input to the script, and the script exists where it runs it', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
    expect(action.runs.using).toBe('composite');
    const step = action.runs.steps.find((s: { id?: string }) => s.id === 'run');
    const passed = Object.keys(step.env)
      .filter((k) => k.startsWith('INPUT_'))
      .map((k) => k.slice(6).toLowerCase().replace(/_/g, '-'));
    const declared = Object.keys(action.inputs).filter((k) => !['working-directory', 'github-token'].includes(k));
    expect(passed.sort()).toEqual(declared.sort());
    expect(step.run).toBe('node "$GITHUB_ACTION_PATH/scripts/github-action.mjs"');
    expect(readFileSync(join(ROOT, 'scripts/github-action.mjs'), 'utf8')).toMatch(/export async function main/);
    for (const o of Object.values(action.outputs) as { value: string }[])
      expect(o.value).toMatch(/steps\.run\.outputs\./);
  });
});
