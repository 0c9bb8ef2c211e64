import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@aira/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecResult } from '../agent/types.js';
import { getFilesViaExec, putFilesViaExec } from './exec-files.js';

const t = tempDir('aira-exec-files-');
afterAll(() => t.cleanup());

// The session's shell, played by a real bash: the fallback's code runs as a worker would run it.
let n = 0;
async function bash(code: string): Promise<ExecResult> {
  const r = spawnSync('bash', ['-c', code], { encoding: 'utf8' });
  const logPath = join(t.dir, `exec-${n++}.log`);
  writeFileSync(logPath, r.stdout + r.stderr);
  return {
    execId: `e${n}`,
    exitCode: r.status ?? -1,
    signal: '',
    durationMs: 0,
    reason: '',
    stateLost: false,
    output: r.stdout + r.stderr,
    clipped: false,
    logPath,
  };
}

describe('file transfer through the shell (workers without the file service)', () => {
  it('puts bytes and local files (their mode kept) and gets them back', async () => {
    const root = join(t.dir, 'session');
    mkdirSync(root);
    const local = join(t.dir, 'train.csv');
    writeFileSync(local, 'id,y\n1,0\n2,1\n');
    chmodSync(local, 0o640);
    await putFilesViaExec(bash, root, [
      { path: 'work/solution.py', data: Buffer.from('print(1)\n'), mode: 0o755 },
      { path: 'data/train.csv', localPath: local },
    ]);
    expect(readFileSync(join(root, 'work/solution.py'), 'utf8')).toBe('print(1)\n');
    expect(statSync(join(root, 'work/solution.py')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(root, 'data/train.csv'), 'utf8')).toBe('id,y\n1,0\n2,1\n');
    expect(statSync(join(root, 'data/train.csv')).mode & 0o777).toBe(0o640);
    const got = await getFilesViaExec(bash, root, ['data', 'work/solution.py']);
    expect(got.map((f) => [f.path, f.data.toString()])).toEqual([
      ['data/train.csv', 'id,y\n1,0\n2,1\n'],
      ['work/solution.py', 'print(1)\n'],
    ]);
  });
});
