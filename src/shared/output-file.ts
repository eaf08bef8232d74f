// Every file llmcost writes (--out, --rejects, init, schema, drift's empty file) goes through here,
// so one set of rules protects the user's machine:
// - a regular file, or a path that does not exist yet: written to a temp file in the same folder
//   and renamed over it (atomic: the old content or the new, never half of it);
// - a character device, FIFO or socket, and /dev/stdout, /dev/stderr, /dev/fd/N: written through
//   (opened for writing, no temp file, no rename: /dev/null stays a device);
// - a symlink: followed, and its final target written by the rules above (the link stays a link);
// - a directory, or a missing folder: refused (exit 2), never created silently.
// Temp files are removed on error, on SIGINT/SIGTERM (then the signal is re-raised) and at exit.
// Every failure is a UserError WRITE naming the path and the flag that asked for it.
import * as fs from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError, userError } from '../diagnostics.js';

/**
 * The fs calls this module makes, on one object so a test can inject a failure (ENOSPC, EACCES)
 * without a full disk. Nothing else should replace them.
 */
export const outputFs = {
  lstatSync: fs.lstatSync,
  statSync: fs.statSync,
  readlinkSync: fs.readlinkSync,
  openSync: fs.openSync,
  writeSync: fs.writeSync,
  closeSync: fs.closeSync,
  renameSync: fs.renameSync,
  unlinkSync: fs.unlinkSync,
  fchmodSync: fs.fchmodSync,
};

/** Where the path came from, for messages: the flag (`--out`, `--rejects`) and the path as the user wrote it. */
export interface OutputLabel {
  flag: string;
  shown: string;
}

/** How a path is written: `atomic` = temp file + rename onto `target`; `through` = open `target` and write. */
export interface OutputPlan {
  mode: 'atomic' | 'through';
  /** the file actually written: the path itself, or a symlink's final target */
  target: string;
  /** mode bits to keep when replacing an existing regular file */
  keepMode?: number;
}

/** Paths that name a stream of this process: never resolved, never replaced. */
const STD_STREAM = /^\/(dev\/(stdout|stderr|stdin|fd\/\d+)|proc\/(self|\d+)\/fd\/\d+)$/;

const MAX_LINKS = 40;

function writeError(label: OutputLabel, what: string, hint: string): Error {
  return userError('WRITE', `cannot write ${label.shown}: ${what}`, { where: label.flag, hint });
}

/** An fs error as a WRITE UserError that names the path (ENOSPC, EACCES, EROFS, ...). */
function fsError(label: OutputLabel, e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  const hints: Record<string, string> = {
    ENOSPC: 'the disk is full: free some space or write somewhere else',
    EDQUOT: 'the disk quota is exceeded: free some space or write somewhere else',
    EACCES: 'you may not write there: check the permissions, or write somewhere else',
    EPERM: 'you may not write there: check the permissions, or write somewhere else',
    EROFS: 'that file system is read-only: write somewhere else',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'that path is a folder: name a file inside it',
  };
  const reason = err?.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}` : String(err?.message ?? e);
  return writeError(label, reason, hints[err?.code ?? ''] ?? 'check that the folder exists and is writable');
}

function lstatOrNull(path: string): fs.Stats | null {
  try {
    return outputFs.lstatSync(path);
  } catch (e) {
    // ENOTDIR: a part of the path is a file; the folder check below says so
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

/**
 * Decide how to write `path` (absolute), checking what it is now. Pure of writes: nothing is
 * created. Throws a WRITE UserError for a directory, a missing folder or a link loop.
 */
export function planOutput(path: string, label: OutputLabel): OutputPlan {
  if (STD_STREAM.test(path)) return { mode: 'through', target: path };
  let target = path;
  try {
    for (let hops = 0; ; hops++) {
      const st = lstatOrNull(target);
      if (st === null) break;
      if (st.isSymbolicLink()) {
        if (hops >= MAX_LINKS) throw writeError(label, 'too many levels of symbolic links', 'fix the link chain');
        const link = outputFs.readlinkSync(target);
        target = isAbsolute(link) ? link : resolve(dirname(target), link);
        if (STD_STREAM.test(target)) return { mode: 'through', target };
        continue;
      }
      if (st.isDirectory())
        throw writeError(
          label,
          target === path ? 'it is a folder' : `it links to the folder ${target}`,
          `name a file, e.g. ${join(label.shown, 'out.txt')}`,
        );
      if (st.isFile()) return { mode: 'atomic', target, keepMode: st.mode & 0o7777 };
      // character/block device, FIFO, socket: write through, never replace
      return { mode: 'through', target };
    }
    // does not exist: its folder must (never created silently)
    const folder = dirname(target);
    const dir = (() => {
      try {
        return outputFs.statSync(folder);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
          return null;
        throw e;
      }
    })();
    if (dir === null || !dir.isDirectory())
      throw writeError(
        label,
        dir === null ? `the folder ${folder} does not exist` : `${folder} is not a folder`,
        dir === null ? `create it first (mkdir -p ${folder}) or write somewhere else` : 'name a path inside a folder',
      );
    return { mode: 'atomic', target };
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw fsError(label, e);
  }
}

// ---------------------------------------------------------------------------------------------
// Temp files alive right now, removed on SIGINT/SIGTERM and at exit. The handlers are installed
// only while a temp file exists, so they never change how the process ends otherwise.
// ---------------------------------------------------------------------------------------------

const temps = new Set<string>();
let serial = 0;

function removeTemp(path: string): void {
  temps.delete(path);
  try {
    outputFs.unlinkSync(path);
  } catch {
    /* already gone */
  }
  if (temps.size === 0) uninstall();
}

function onSignal(signal: NodeJS.Signals): void {
  for (const t of [...temps]) removeTemp(t);
  uninstall();
  // re-raise with the default action, so the exit status says which signal ended us (130, 143)
  process.kill(process.pid, signal);
}
function onExit(): void {
  for (const t of [...temps]) removeTemp(t);
}
let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
}
function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('exit', onExit);
}

/** Temp files not yet committed or removed (for tests: must be 0 after every write). */
export function pendingTempFiles(): number {
  return temps.size;
}

function tempFor(target: string): string {
  serial++;
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${serial}`);
}

/**
 * A file written in pieces (e.g. --rejects while a log streams): nothing appears under the final
 * name until commit(); abort() (or an error, or a signal) leaves the old file, or none.
 */
export interface OutputStream {
  write(text: string): void;
  /** make the written text the file's content (rename), or finish a write-through */
  commit(): void;
  /** drop what was written: remove the temp file (a write-through target keeps what it got) */
  abort(): void;
}

/** Buffered: pieces are written in chunks of about this many characters. */
const CHUNK = 64 * 1024;

export function openOutput(path: string, label: OutputLabel): OutputStream {
  const plan = planOutput(path, label);
  const tmp = plan.mode === 'atomic' ? tempFor(plan.target) : undefined;
  let fd: number;
  try {
    if (tmp) {
      install();
      temps.add(tmp);
      // wx: never follow or reuse something already at the temp name
      fd = outputFs.openSync(tmp, 'wx', plan.keepMode ?? 0o666);
      if (plan.keepMode !== undefined) outputFs.fchmodSync(fd, plan.keepMode);
    } else {
      // O_APPEND: a redirected stdout keeps what is already in it; no O_CREAT, no O_TRUNC
      fd = outputFs.openSync(plan.target, fs.constants.O_WRONLY | fs.constants.O_APPEND);
    }
  } catch (e) {
    if (tmp) removeTemp(tmp);
    throw fsError(label, e);
  }
  // open: writing; done: committed or aborted (both are final)
  let state: 'open' | 'done' = 'open';
  let buf = '';
  const abort = (): void => {
    if (state === 'done') return;
    state = 'done';
    buf = '';
    try {
      outputFs.closeSync(fd);
    } catch {
      /* the write that failed reported it */
    }
    if (tmp) removeTemp(tmp);
  };
  const flush = (): void => {
    if (!buf) return;
    const bytes = Buffer.from(buf, 'utf8');
    buf = '';
    let off = 0;
    while (off < bytes.length) off += outputFs.writeSync(fd, bytes, off, bytes.length - off);
  };
  const guard = (what: string): void => {
    if (state !== 'open') throw new Error(`internal: ${what} of ${label.shown} after it was committed or aborted`);
  };
  return {
    write(text) {
      guard('write');
      buf += text;
      if (buf.length < CHUNK) return;
      try {
        flush();
      } catch (e) {
        abort();
        throw fsError(label, e);
      }
    },
    commit() {
      guard('commit');
      try {
        flush();
        outputFs.closeSync(fd);
        if (tmp) outputFs.renameSync(tmp, plan.target);
      } catch (e) {
        abort();
        throw fsError(label, e);
      }
      state = 'done';
      if (tmp) {
        temps.delete(tmp);
        if (temps.size === 0) uninstall();
      }
    },
    abort,
  };
}

/** Write a whole file by the rules above. */
export function writeOutputFile(path: string, text: string, label: OutputLabel): void {
  const out = openOutput(path, label);
  out.write(text);
  out.commit();
}
