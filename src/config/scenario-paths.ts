// Which files a scenario may name. A scenario file is code that arrives in pull requests, and CI
// runs `simulate`/`drift` on it: a `traffic.log.file: /home/runner/.aws/credentials` must not be
// read (its first line ended up in the error message). A path named inside a scenario is used
// only when it lies inside the scenario's own folder or the current working folder (each with
// everything below it), or inside a folder the user allowed on the command line with
// --allow-path. The check happens before the file is touched: a path outside is refused from
// its text alone; a path inside is resolved through symlinks (lstat, never open) so a link
// cannot lead out.
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, parse, relative, resolve } from 'node:path';
import { userError } from '../diagnostics.js';

/** A path the scenario names, with its place in the file (for the message). */
export interface NamedPath {
  /** YAML path, e.g. ['traffic', 'log', 'file'] */
  key: (string | number)[];
  /** absolute, resolved from the scenario's folder */
  file: string;
  /** as written in the scenario */
  written: string;
}

/** The folders a scenario's paths may lie in: lexical and real (symlink-free) forms. */
export interface PathRoots {
  lexical: string[];
  real: string[];
  /** for messages */
  shown: string[];
}

/** The real path of the deepest part of `p` that exists (a file to be written may not exist yet). */
function realOf(p: string): string {
  let head = p;
  const tail: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(head), ...tail.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return p;
      tail.push(basename(head));
      head = up;
    }
  }
}

const inside = (p: string, root: string): boolean => {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/**
 * The scenario's folder, the working folder (unless it is a filesystem root, which would allow
 * everything) and every --allow-path folder (resolved from the working folder).
 */
export function pathRoots(scenarioDir: string, cwd: string, allow: readonly string[] = []): PathRoots {
  const dirs = [resolve(scenarioDir), ...(parse(resolve(cwd)).root === resolve(cwd) ? [] : [resolve(cwd)])];
  for (const a of allow) dirs.push(resolve(cwd, a));
  return { lexical: dirs, real: dirs.map(realOf), shown: [...new Set(dirs)] };
}

/** Throws PATH_NOT_ALLOWED, located at the path's place in the scenario, for the first path outside the roots. */
export function checkNamedPaths(
  paths: readonly NamedPath[],
  roots: PathRoots,
  where: (key: readonly (string | number)[]) => string,
): void {
  for (const p of paths) {
    const lexicallyInside = roots.lexical.some((r) => inside(p.file, r));
    // outside by its text: refused without touching the file system
    const viaLink = lexicallyInside && !roots.real.some((r) => inside(realOf(p.file), r));
    if (lexicallyInside && !viaLink) continue;
    throw userError(
      'PATH_NOT_ALLOWED',
      `${p.key.join('.')} '${p.written}' ${viaLink ? 'leads through a symbolic link to' : 'is'} a file outside the scenario's folder and the working folder: it is neither read nor written`,
      {
        where: where(p.key),
        hint: `a scenario reads and writes only under ${roots.shown.join(' or ')}; if you trust this scenario, allow the folder: --allow-path ${dirname(p.file)} (see docs/ci.md)`,
      },
    );
  }
}
