import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNamedPaths, type NamedPath, pathRoots } from '../../src/config/scenario-paths.js';
import { UserError } from '../../src/diagnostics.js';

const root = mkdtempSync(join(tmpdir(), 'llmcost-paths-'));
const scen = join(root, 'repo', 'scenarios');
mkdirSync(join(scen, 'logs'), { recursive: true });
mkdirSync(join(root, 'data'));
writeFileSync(join(root, 'data', 'trace.jsonl'), '{}\n');
symlinkSync(join(root, 'data'), join(scen, 'data-link'));
symlinkSync(join(scen, 'logs'), join(scen, 'logs-link'));

const at = (file: string): NamedPath => ({ key: ['traffic', 'log', 'file'], file, written: file });
const where = (k: readonly (string | number)[]): string => `s.yaml:${k.join('.')}`;
const ok = (file: string, cwd = join(root, 'repo'), allow: string[] = []): boolean => {
  try {
    checkNamedPaths([at(file)], pathRoots(scen, cwd, allow), where);
    return true;
  } catch (e) {
    if (e instanceof UserError && e.diagnostics[0]!.code === 'PATH_NOT_ALLOWED') return false;
    throw e;
  }
};

describe('paths a scenario names', () => {
  it('are allowed under the scenario folder or the working folder, existing or not', () => {
    expect(ok(join(scen, 'logs', 'a.csv'))).toBe(true);
    expect(ok(join(scen, 'new', 'rejects.csv'))).toBe(true); // a file to be written need not exist
    expect(ok(join(root, 'repo', 'other', 'b.csv'))).toBe(true); // the working folder
    expect(ok(join(scen, 'logs-link', 'a.csv'))).toBe(true); // a link that stays inside
  });
  it('are refused outside, after .. and through a symlink that leads out', () => {
    expect(ok(join(root, 'data', 'trace.jsonl'))).toBe(false);
    expect(ok(join(scen, '..', '..', 'data', 'trace.jsonl'))).toBe(false);
    expect(ok(join(scen, 'data-link', 'trace.jsonl'))).toBe(false);
    expect(ok('/etc/passwd')).toBe(false);
  });
  it('--allow-path admits a folder (relative to the working folder); a root working folder admits nothing', () => {
    expect(ok(join(root, 'data', 'trace.jsonl'), join(root, 'repo'), ['../data'])).toBe(true);
    expect(ok(join(scen, 'data-link', 'trace.jsonl'), join(root, 'repo'), ['../data'])).toBe(true);
    expect(ok(join(root, 'repo', 'other', 'b.csv'), '/')).toBe(false);
  });
  it('the error is located at the path in the scenario and names the flag that allows more', () => {
    try {
      checkNamedPaths([at('/etc/passwd')], pathRoots(scen, join(root, 'repo')), where);
      throw new Error('not refused');
    } catch (e) {
      const d = (e as UserError).diagnostics[0]!;
      expect(d.where).toBe('s.yaml:traffic.log.file');
      expect(d.hint).toContain('--allow-path /etc');
    }
  });
});
