// The one output-file module: atomic replace for regular files only, write-through for FIFOs and
// devices, a symlink's target written (the link kept), folders refused, nothing half-written on an
// fs error or a signal. Every case runs in a private temp folder with links and FIFOs made here;
// no real device is touched (/dev/std* is checked by classification only).
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/diagnostics.js';
import { openOutput, outputFs, pendingTempFiles, planOutput, writeOutputFile } from '../../src/shared/output-file.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const label = (shown: string) => ({ flag: '--out', shown });
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmcost-out-'));
});
const saved = { ...outputFs };
afterEach(() => {
  Object.assign(outputFs, saved);
  expect(pendingTempFiles()).toBe(0);
});

function userErrorOf(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

/** A FIFO with a `cat` reading it into a string (the write blocks until a reader opens it). */
function fifoWithReader(path: string): Promise<string> {
  execFileSync('mkfifo', [path]);
  const cat = spawn('cat', [path]);
  let got = '';
  cat.stdout.on('data', (b: Buffer) => (got += b.toString('utf8')));
  return new Promise((done) => cat.on('close', () => done(got)));
}

describe('planOutput: how each kind of path is written', () => {
  it('a new file and a regular file are replaced atomically; /dev/std* and /proc/self/fd are written through', () => {
    writeFileSync(join(dir, 'old.txt'), 'x');
    expect(planOutput(join(dir, 'new.txt'), label('new.txt'))).toEqual({
      mode: 'atomic',
      target: join(dir, 'new.txt'),
    });
    expect(planOutput(join(dir, 'old.txt'), label('old.txt')).mode).toBe('atomic');
    for (const p of ['/dev/stdout', '/dev/stderr', '/dev/fd/1', '/dev/fd/12', '/proc/self/fd/1'])
      expect(planOutput(p, label(p))).toEqual({ mode: 'through', target: p });
  });

  it('a folder, a missing folder and a path under a file are refused, naming the path', () => {
    const e1 = userErrorOf(() => planOutput(dir, label('outdir')));
    expect(e1.diagnostics[0]).toMatchObject({ code: 'WRITE', where: '--out' });
    expect(e1.message).toContain('cannot write outdir: it is a folder');
    const e2 = userErrorOf(() => planOutput(join(dir, 'no', 'such', 'r.json'), label('no/such/r.json')));
    expect(e2.message).toContain(`the folder ${join(dir, 'no', 'such')} does not exist`);
    expect(e2.diagnostics[0]!.hint).toContain('mkdir -p');
    writeFileSync(join(dir, 'file'), 'x');
    const e3 = userErrorOf(() => planOutput(join(dir, 'file', 'r.json'), label('file/r.json')));
    expect(e3.message).toContain('is not a folder');
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('a symlink is followed to its final target; a link to a folder is refused; a loop is an error', () => {
    writeFileSync(join(dir, 'target.txt'), 'x');
    symlinkSync('target.txt', join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    expect(planOutput(join(dir, 'b'), label('b'))).toMatchObject({ mode: 'atomic', target: join(dir, 'target.txt') });
    mkdirSync(join(dir, 'sub'));
    symlinkSync('sub', join(dir, 'tosub'));
    expect(userErrorOf(() => planOutput(join(dir, 'tosub'), label('tosub'))).message).toContain('links to the folder');
    symlinkSync('loop2', join(dir, 'loop1'));
    symlinkSync('loop1', join(dir, 'loop2'));
    expect(userErrorOf(() => planOutput(join(dir, 'loop1'), label('loop1'))).message).toContain('symbolic links');
    symlinkSync('/dev/stdout', join(dir, 'out-link'));
    expect(planOutput(join(dir, 'out-link'), label('out-link'))).toEqual({ mode: 'through', target: '/dev/stdout' });
  });
});

describe('writeOutputFile', () => {
  it('replaces a regular file (new inode, same mode) and leaves no temp file', () => {
    const f = join(dir, 'r.txt');
    writeFileSync(f, 'old');
    chmodSync(f, 0o640);
    const before = statSync(f).ino;
    writeOutputFile(f, 'new\n', label('r.txt'));
    expect(readFileSync(f, 'utf8')).toBe('new\n');
    expect(statSync(f).ino).not.toBe(before);
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['r.txt']);
  });

  it('writes through a symlink: the link stays a link, its target gets the text', () => {
    writeFileSync(join(dir, 'target.txt'), 'old');
    symlinkSync('target.txt', join(dir, 'link'));
    writeOutputFile(join(dir, 'link'), 'new', label('link'));
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link'))).toBe('target.txt');
    expect(readFileSync(join(dir, 'target.txt'), 'utf8')).toBe('new');
    // a dangling link: its target is created, the link kept
    symlinkSync('later.txt', join(dir, 'dangling'));
    writeOutputFile(join(dir, 'dangling'), 'made', label('dangling'));
    expect(lstatSync(join(dir, 'dangling')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'later.txt'), 'utf8')).toBe('made');
    expect(readdirSync(dir).sort()).toEqual(['dangling', 'later.txt', 'link', 'target.txt']);
  });

  it('writes through a FIFO (and a link to one): it stays a FIFO and the reader gets the text', async () => {
    const fifo = join(dir, 'pipe');
    const got = fifoWithReader(fifo);
    writeOutputFile(fifo, 'through the pipe\n', label('pipe'));
    expect(await got).toBe('through the pipe\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    symlinkSync('pipe', join(dir, 'to-pipe'));
    const cat = spawn('cat', [fifo]);
    let again = '';
    cat.stdout.on('data', (b: Buffer) => (again += b.toString('utf8')));
    const closed = new Promise((done) => cat.on('close', done));
    writeOutputFile(join(dir, 'to-pipe'), 'via the link\n', label('to-pipe'));
    await closed;
    expect(again).toBe('via the link\n');
    expect(lstatSync(join(dir, 'to-pipe')).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['pipe', 'to-pipe']);
  });

  it('a full disk (ENOSPC) is a WRITE error naming the path; the old file is kept, no temp file left', () => {
    const f = join(dir, 'r.txt');
    writeFileSync(f, 'previous run\n');
    outputFs.writeSync = (() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as typeof outputFs.writeSync;
    const e = userErrorOf(() => writeOutputFile(f, 'x'.repeat(10), label('r.txt')));
    expect(e.diagnostics[0]).toMatchObject({ code: 'WRITE', where: '--out' });
    expect(e.message).toContain('cannot write r.txt: ENOSPC');
    expect(e.diagnostics[0]!.hint).toContain('disk is full');
    expect(readFileSync(f, 'utf8')).toBe('previous run\n');
    expect(readdirSync(dir)).toEqual(['r.txt']);
  });

  it('EACCES on open and EROFS on rename are WRITE errors; nothing is left behind', () => {
    const f = join(dir, 'r.txt');
    outputFs.openSync = (() => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    }) as typeof outputFs.openSync;
    expect(userErrorOf(() => writeOutputFile(f, 'x', label('r.txt'))).message).toContain('EACCES');
    Object.assign(outputFs, saved);
    outputFs.renameSync = (() => {
      throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
    }) as typeof outputFs.renameSync;
    expect(userErrorOf(() => writeOutputFile(f, 'x', label('r.txt'))).diagnostics[0]!.hint).toContain('read-only');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('openOutput: a streamed file appears only on commit', () => {
  it('abort keeps the old file; a failure mid-stream leaves no file under the final name', () => {
    const f = join(dir, 'rej.csv');
    writeFileSync(f, 'old');
    const s = openOutput(f, { flag: '--rejects', shown: 'rej.csv' });
    s.write('a'.repeat(200_000));
    s.abort();
    expect(readFileSync(f, 'utf8')).toBe('old');
    let calls = 0;
    outputFs.writeSync = ((...args: Parameters<typeof saved.writeSync>) => {
      if (++calls > 1) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return (saved.writeSync as (...a: unknown[]) => number)(...args);
    }) as typeof outputFs.writeSync;
    const g = join(dir, 'new.csv');
    const t = openOutput(g, { flag: '--rejects', shown: 'new.csv' });
    t.write('b'.repeat(70_000));
    const e = userErrorOf(() => t.write('c'.repeat(70_000)));
    expect(e.diagnostics[0]).toMatchObject({ code: 'WRITE', where: '--rejects' });
    t.abort();
    expect(readdirSync(dir)).toEqual(['rej.csv']);
  });

  it('SIGTERM and SIGINT mid-write remove the temp file and end the process by that signal', async () => {
    const mod = join(ROOT, 'dist', 'shared', 'output-file.js');
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const out = join(dir, `${signal}.csv`);
      const code = `import(${JSON.stringify(mod)}).then((m) => {
        const o = m.openOutput(${JSON.stringify(out)}, { flag: '--out', shown: 'x' });
        o.write('y'.repeat(100000));
        process.stdout.write('ready');
        setInterval(() => {}, 1000);
      });`;
      const child = spawn(process.execPath, ['-e', code]);
      await new Promise<void>((ready) => child.stdout.once('data', () => ready()));
      expect(readdirSync(dir).some((n) => n.includes('.tmp-'))).toBe(true);
      const ended = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_c, s) => done(s)));
      child.kill(signal);
      expect(await ended).toBe(signal);
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});
