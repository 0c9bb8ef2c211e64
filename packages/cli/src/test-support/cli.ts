import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal, type JournalEvent } from '@aira/coordinator';
import { scoreScript } from '@aira/testing';

/** The built `aira` command, run as a user runs it. */
export const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/aira.js');

export interface Running {
  child: ChildProcess;
  pid: number;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

export function airaSpawn(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [AIRA, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return {
    child,
    pid: child.pid!,
    out: () => out,
    err: () => err,
    exited: new Promise((r) => child.once('exit', (code) => r(code))),
  };
}

export function airaSync(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 120_000) {
  return spawnSync(process.execPath, [AIRA, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout,
  });
}

export async function until<T>(
  what: string,
  probe: () => T | undefined | null | false,
  ms = 120_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export { tempDir as tempRoot } from '@aira/testing';

export const studyIn = (out: string): string | undefined =>
  existsSync(out) ? readdirSync(out).find((d) => existsSync(join(out, d, 'study.json'))) : undefined;

export function journal(runDir: string): JournalEvent[] {
  return readJournal(join(runDir, 'journal.jsonl')).events;
}

export { eventsOfType as eventsOf } from '@aira/coordinator';

/** Pids of the local worker daemons a study started (its workers/local-N.json records). */
export function workerPids(studyDir: string): number[] {
  const dir = join(studyDir, 'workers');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^local-\d+\.json$/.test(f))
    .map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { pid: number }).pid);
}

/** A script-agent solution: sleeps `sleepS`, writes a prediction, prints a score rising with its parents'. */
export function sleepyScript(dir: string, sleepS: number, extra = ''): string {
  return scoreScript(dir, String(sleepS), extra);
}
