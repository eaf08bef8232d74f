#!/usr/bin/env node
// The script behind action.yml (the composite GitHub Action at the repository root): runs
// `llmcost diff` or `llmcost drift` from this checkout with --format md, appends the Markdown to
// the job summary and, when asked, keeps ONE pull request comment up to date: the comment carries
// a hidden marker (`<!-- llmcost:ID -->`) and later runs edit it instead of adding new ones.
//
// Everything that touches the outside world is passed in (the GitHub API call, the process
// runner, the environment), so test/unit/github-action.test.ts runs it with fakes and no network.
// Only this script talks to GitHub; the llmcost CLI itself never reaches the network.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The commands the action runs (both print a Markdown report and exit 1 past a limit). */
export const COMMANDS = ['diff', 'drift'];

/** GitHub refuses a comment body longer than this many characters. */
export const COMMENT_LIMIT = 65_536;

/** A usage mistake in the action's inputs: printed as a workflow error, exit 2 (like the CLI's). */
export class InputError extends Error {}

/**
 * Shell-like words of an input: whitespace (newlines too) separates, '...' and "..." group, a
 * backslash escapes the next character outside single quotes. Nothing is expanded or run.
 */
export function splitArgs(text) {
  const words = [];
  let word = '';
  let inWord = false;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new InputError(`args: a ${quote} quote is not closed`);
  if (inWord) words.push(word);
  return words;
}

/** The hidden marker that finds this action's comment again; `id` tells several comments apart. */
export function commentMarker(id) {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id))
    throw new InputError(`comment-id '${id}' must be 1-64 letters, digits, '.', '_' or '-'`);
  return `<!-- llmcost:${id} -->`;
}

/** The action's inputs from the environment (action.yml passes each as INPUT_<NAME>). */
export function readInputs(env) {
  const command = (env.INPUT_COMMAND ?? '').trim();
  if (!COMMANDS.includes(command)) throw new InputError(`command '${command}' is not one of: ${COMMANDS.join(', ')}`);
  const flag = (name, fallback) => {
    const v = (env[`INPUT_${name}`] ?? '').trim().toLowerCase();
    if (v === '') return fallback;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new InputError(`${name.toLowerCase().replace(/_/g, '-')} must be true or false, not '${v}'`);
  };
  return {
    command,
    args: splitArgs(env.INPUT_ARGS ?? ''),
    maxIncrease: (env.INPUT_MAX_INCREASE ?? '').trim(),
    baseRef: (env.INPUT_BASE_REF ?? '').trim(),
    comment: flag('COMMENT', false),
    marker: commentMarker((env.INPUT_COMMENT_ID ?? '').trim() || `${command}`),
    failOnIncrease: flag('FAIL_ON_INCREASE', true),
  };
}

/**
 * The CLI's arguments: the command, the user's arguments, the limit, Markdown to `mdPath`. A USD
 * limit ($50, 50usd) goes to drift as --max-increase-usd; diff's --max-increase takes either form.
 */
export function cliArgs(inputs, mdPath) {
  const args = [inputs.command, ...inputs.args];
  const limit = inputs.maxIncrease;
  const usd = /^\$\s*([\d.]+)$|^([\d.]+)\s*usd$/i.exec(limit);
  if (limit && inputs.command === 'drift' && usd) args.push('--max-increase-usd', usd[1] ?? usd[2]);
  else if (limit) args.push('--max-increase', limit);
  args.push('--format', 'md', '--out', mdPath);
  return args;
}

/** The pull request (or issue) number of the event that started the workflow; null when none. */
export function eventNumber(event) {
  const n = event?.pull_request?.number ?? event?.issue?.number ?? event?.number;
  return Number.isInteger(n) ? n : null;
}

/** The comment body: the marker, then the report (cut to GitHub's limit with a note). */
export function commentBody(marker, markdown, limit = COMMENT_LIMIT) {
  const head = `${marker}\n`;
  const body = head + markdown;
  if (body.length <= limit) return body;
  const note = '\n\n_(cut: the report is longer than a comment may be; the job summary has it whole)_';
  return head + markdown.slice(0, limit - head.length - note.length) + note;
}

/**
 * Edit the comment that carries `marker` on issue/PR `issue` of `repo` ("owner/name"), or add one.
 * `api(method, path, body?)` returns the parsed JSON response and throws on an HTTP error. The
 * oldest marked comment wins, so a comment is never duplicated by a run that lost a race.
 */
export async function upsertComment({ api, repo, issue, marker, body }) {
  const perPage = 100;
  for (let page = 1; ; page++) {
    const list = await api('GET', `/repos/${repo}/issues/${issue}/comments?per_page=${perPage}&page=${page}`);
    const mine = list.find((c) => typeof c.body === 'string' && c.body.includes(marker));
    if (mine) {
      if (mine.body === body) return { action: 'unchanged', id: mine.id, url: mine.html_url };
      const edited = await api('PATCH', `/repos/${repo}/issues/comments/${mine.id}`, { body });
      return { action: 'updated', id: edited.id, url: edited.html_url };
    }
    if (list.length < perPage) break;
  }
  const made = await api('POST', `/repos/${repo}/issues/${issue}/comments`, { body });
  return { action: 'created', id: made.id, url: made.html_url };
}

/** The GitHub REST API through fetch (the only network use, and only inside the Action). */
export function githubApi({ token, apiUrl = 'https://api.github.com', fetchFn = globalThis.fetch }) {
  return async (method, path, body) => {
    const res = await fetchFn(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) {
      const text = await res.text();
      throw new Error(`GitHub API ${method} ${path.split('?')[0]}: HTTP ${res.status} ${text.slice(0, 200)}`);
    }
    return res.json();
  };
}

/**
 * `diff` with base-ref: check the ref out beside the workspace (a detached git worktree) and read
 * BASE_SCENARIO (the first argument) from there, so a pull request is compared with its base branch.
 */
export function baseFromRef(inputs, { cwd, tempDir, git }) {
  if (!inputs.baseRef) return inputs;
  if (inputs.command !== 'diff') throw new InputError('base-ref applies to the diff command only');
  const [first, ...rest] = inputs.args;
  if (!first || first.startsWith('-'))
    throw new InputError('base-ref: the first argument must be the BASE scenario file (its path in the base ref)');
  const top = realpathSync(git(['rev-parse', '--show-toplevel'], cwd).trim());
  const inRepo = relative(top, join(realpathSync(cwd), first));
  if (inRepo.startsWith('..') || isAbsolute(inRepo))
    throw new InputError(`base-ref: the BASE scenario '${first}' is outside the repository`);
  const dir = mkdtempSync(join(tempDir, 'llmcost-base-'));
  git(['worktree', 'add', '--detach', dir, inputs.baseRef], cwd);
  // the report names the base as ref:path, not the runner's temporary folder
  const name = `${inputs.baseRef}:${inRepo.split(sep).join('/')}`;
  return { ...inputs, args: [join(dir, inRepo), ...rest, '--base-name', name] };
}

function runGit(args, cwd) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new InputError(`git ${args.join(' ')} failed: ${(r.stderr || '').trim()}`);
  return r.stdout;
}

/** Lines for $GITHUB_OUTPUT (name=value; values here never hold a newline). */
function outputLines(o) {
  return Object.entries(o)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');
}

/**
 * One run of the action. Returns the exit code for the step: the CLI's (0 ok, 1 a limit was
 * exceeded, 2 bad input), or 0 for a limit when fail-on-increase is false.
 */
export async function main({ env, cli, api, log, tempDir = tmpdir(), git = runGit, cwd = process.cwd() }) {
  let inputs;
  try {
    inputs = baseFromRef(readInputs(env), { cwd, tempDir, git });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    log(`::error title=llmcost action::${e.message}`);
    return 2;
  }
  const mdPath = join(mkdtempSync(join(tempDir, 'llmcost-report-')), `${inputs.command}.md`);
  const code = await cli(cliArgs(inputs, mdPath), cwd);
  const outputs = { 'exit-code': code, report: '' };
  const markdown = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '';
  if (markdown.trim()) {
    outputs.report = mdPath;
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown.trimEnd()}\n`);
    const event =
      env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH)
        ? JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'))
        : null;
    const issue = eventNumber(event);
    if (inputs.comment && issue === null) log('llmcost action: no pull request in this event: no comment posted');
    if (inputs.comment && issue !== null) {
      try {
        const r = await upsertComment({
          api,
          repo: env.GITHUB_REPOSITORY,
          issue,
          marker: inputs.marker,
          body: commentBody(inputs.marker, markdown.trimEnd()),
        });
        outputs['comment-url'] = r.url ?? '';
        log(`llmcost action: comment ${r.action}: ${r.url ?? r.id}`);
      } catch (e) {
        // a fork's pull request gets a read-only token: report it, keep the check's own result
        log(`::warning title=llmcost action::could not comment on #${issue}: ${e.message}`);
      }
    }
  } else if (code === 0) log('llmcost action: the report is empty (nothing to show)');
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, outputLines(outputs));
  if (code === 1 && !inputs.failOnIncrease) {
    log('llmcost action: a limit was exceeded (fail-on-increase is false: the step passes)');
    return 0;
  }
  return code;
}

/** Run this checkout's CLI (bin/llmcost.js) with the user's working folder; its stderr shows in the log. */
function runCli(args, cwd) {
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'llmcost.js');
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  return r.status ?? 3;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const env = process.env;
  const api = githubApi({ token: env.GITHUB_TOKEN ?? '', apiUrl: env.GITHUB_API_URL || undefined });
  const code = await main({ env, cli: runCli, api, log: (line) => process.stdout.write(`${line}\n`) });
  process.exit(code);
}
