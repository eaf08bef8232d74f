// What --out and --rejects do to the paths they are given, end to end from the CLI: a FIFO and a
// link stay what they are, a missing folder is refused (never created), and a log that fails
// half-way leaves no rejects file. Everything happens in a private temp folder.
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, '../fixtures/logs');
const PRICING = ['--pricing', '2026-11-01'];
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmcost-targets-'));
  copyFileSync(join(FIX, 'rejects.csv'), join(dir, 'rejects.csv'));
});

describe('--out', () => {
  it('into a FIFO: written through, the FIFO stays a FIFO', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const cat = spawn('cat', [fifo]);
    let got = '';
    cat.stdout.on('data', (b: Buffer) => (got += b.toString('utf8')));
    const closed = new Promise((done) => cat.on('close', done));
    const r = await runCli(['pricing', 'list', ...PRICING, '--format', 'csv', '--out', 'pipe'], { cwd: dir });
    await closed;
    expect(r.code, r.stderr).toBe(0);
    expect(got).toMatch(/^model,provider,input/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('onto a symlink: the target is replaced, the link stays a link', async () => {
    writeFileSync(join(dir, 'real.json'), 'old');
    symlinkSync('real.json', join(dir, 'link.json'));
    const r = await runCli(['pricing', 'list', ...PRICING, '--format', 'json', '--out', 'link.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'real.json'), 'utf8')).pricing.version).toBe('2026-11-01');
  });

  it("without --format, the file's extension names the format; --format wins; one the command lacks is exit 2", async () => {
    const list = ['pricing', 'list', ...PRICING];
    for (const [file, start] of [
      ['p.csv', /^model,provider,input/],
      ['p.json', /^\{\n {2}"schema": "llmcost\.pricing-list/],
      ['p.md', /^\*\*pricing 2026-11-01/],
      ['p.txt', /^pricing 2026-11-01/],
    ] as const) {
      const r = await runCli([...list, '--out', file], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, file), 'utf8'), file).toMatch(start);
    }
    expect((await runCli([...list, '--format', 'csv', '--out', 'q.json'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'q.json'), 'utf8')).toMatch(/^model,provider,input/);
    const html = await runCli(['simulate', join(FIX, '../../../scenarios/support-bot.yaml'), '--out', 'r.html'], {
      cwd: dir,
    });
    expect(html.code, html.stderr).toBe(0);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const no = await runCli([...list, '--out', 'p.html'], { cwd: dir });
    expectUserError(no, '--out');
    expect(no.stderr).toContain('pricing list does not write html');
    expect(existsSync(join(dir, 'p.html'))).toBe(false);
    // the help names only the extensions the command writes
    const help = (await runCli(['drift', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain("the --out file's extension: .json, .md)");
    expect(help).toContain('.json or .md sets the format');
  });

  it('in a missing folder or onto a folder: exit 2 naming the path, nothing created', async () => {
    const r = await runCli(['pricing', 'list', ...PRICING, '--out', 'no/such/list.txt'], { cwd: dir });
    expectUserError(r, '--out');
    expect(r.stderr).toContain('cannot write no/such/list.txt');
    expect(r.stderr).toContain('does not exist');
    expect(existsSync(join(dir, 'no'))).toBe(false);
    const d = await runCli(['pricing', 'list', ...PRICING, '--out', '.'], { cwd: dir });
    expectUserError(d, '--out');
    expect(d.stderr).toContain('it is a folder');
  });
});

describe('--rejects', () => {
  it('in a missing folder: exit 2 before any row is read', async () => {
    const r = await runCli(['replay', 'rejects.csv', ...PRICING, '--rejects', 'no/rej.csv'], { cwd: dir });
    expectUserError(r, '--rejects');
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('a log cut short (truncated gzip) leaves no rejects file, not even a temp file', async () => {
    const body = readFileSync(join(FIX, 'rejects.csv'), 'utf8');
    const [head, ...rows] = body.trimEnd().split('\n');
    const many = [head, ...Array.from({ length: 3000 }, () => rows).flat()].join('\n');
    const gz = gzipSync(many);
    writeFileSync(join(dir, 'cut.csv.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    const r = await runCli(['replay', 'cut.csv.gz', ...PRICING, '--rejects', 'rej.csv'], { cwd: dir });
    expectUserError(r, 'cut.csv.gz');
    expect(readdirSync(dir).sort()).toEqual(['cut.csv.gz', 'rejects.csv']);
  });

  it('a complete read writes the rejects file (and replaces an old one atomically)', async () => {
    writeFileSync(join(dir, 'rej.csv'), 'old');
    const r = await runCli(['replay', 'rejects.csv', ...PRICING, '--rejects', 'rej.csv', '--format', 'json'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'rej.csv'), 'utf8')).toMatch(/^line,reason,raw\n3,/);
    expect(readdirSync(dir).sort()).toEqual(['rej.csv', 'rejects.csv']);
  });
});
