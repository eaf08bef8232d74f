// --rejects FILE never leaves a partial file: it appears only when the whole log was read; an error
// (here: Ctrl-C while the log is still arriving on stdin) removes its temporary file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'llmcost-rejects-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--rejects and Ctrl-C', () => {
  it.skipIf(process.platform === 'win32')(
    'SIGINT mid-read removes the temporary rejects file, then ends by the signal',
    async () => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, 'bin', 'llmcost.js'),
          'replay',
          '-',
          '--pricing',
          join(ROOT, 'test', 'fixtures', 'bad', '_shared', 'pricing.yaml'),
          '--rejects',
          join(dir, 'rejects.csv'),
          '--format',
          'json',
        ],
        { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
        child.on('exit', (code, signal) => res({ code, signal })),
      );
      // a header and a few thousand rows, one in five rejected; the pipe stays open (more to come)
      let rows = 'timestamp,model,input_tokens,output_tokens\n';
      for (let i = 0; i < 5000; i++)
        rows += i % 5 ? '2026-11-02T10:00:00Z,m,1000,500\n' : '2026-11-02T10:00:00Z,m,x,1\n';
      child.stdin.write(rows);
      const tmp = (): string[] => readdirSync(dir).filter((f) => f.startsWith('.rejects.csv.tmp-'));
      for (let i = 0; i < 200 && !tmp().length; i++) await new Promise((r) => setTimeout(r, 50));
      expect(tmp(), `the reader should be writing its rejects by now; stderr: ${stderr}`).toHaveLength(1);
      child.kill('SIGINT');
      const { signal } = await exited;
      expect(signal).toBe('SIGINT');
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(join(dir, 'rejects.csv'))).toBe(false);
    },
    30_000,
  );
});
