import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A folder laid out like a worker session (data/, work/, submission/), for running scripts by hand. */
export function sessionDir(root: string): { root: string; data: string; work: string; submission: string } {
  const d = {
    root,
    data: join(root, 'data'),
    work: join(root, 'work'),
    submission: join(root, 'submission'),
  };
  for (const p of [d.data, d.work, d.submission]) mkdirSync(p, { recursive: true });
  return d;
}

export interface ByHand {
  code: number | null;
  output: string;
  files: Record<string, string>;
}

/** `python3 solution.py` in the work folder with no AIRA_* variables, as a person would run it. */
export function runByHand(
  dir: ReturnType<typeof sessionDir>,
  code: string,
  outputs: string[],
): Promise<ByHand> {
  writeFileSync(join(dir.work, 'solution.py'), code);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AIRA_')));
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', ['solution.py'], {
      cwd: dir.work,
      env: { ...env, OMP_NUM_THREADS: '1' },
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const files: Record<string, string> = {};
      for (const o of outputs)
        if (existsSync(join(dir.submission, o))) files[o] = readFileSync(join(dir.submission, o), 'utf8');
      resolve({ code, output, files });
    });
  });
}
