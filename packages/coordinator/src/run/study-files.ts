import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError, UserError } from '@aira/core';
import { isAlive } from '../pool/local.js';

/** `study.json`: what a study is, written once when it starts (and read by resume, status, stop). */
export interface StudyDoc {
  studyId: string;
  createdAt: string;
  airaVersion: string;
  /** The resolved RunConfig (durations in ms), re-parsed by resume. */
  config: Record<string, unknown>;
  provenance: Record<string, string>;
  runs: Array<{ runId: string; competition: string | null; seed: number }>;
}

/** `coordinator.json`: present while a coordinator works on the study. */
export interface CoordinatorDoc {
  pid: number;
  hostname: string;
  startedAt: string;
}

export const studyPaths = (dir: string) => ({
  study: join(dir, 'study.json'),
  coordinator: join(dir, 'coordinator.json'),
  stop: join(dir, 'STOP'),
  token: join(dir, 'token'),
  workers: join(dir, 'workers'),
  /** Slurm worker jobs: their scripts, output and `jobs.jsonl` (kept after the study, for their logs). */
  slurm: join(dir, 'slurm'),
  log: join(dir, 'coordinator.log'),
  run: (runId: string) => join(dir, runId),
});

/** Writes a small JSON file atomically (temporary name, then rename). */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

export function readStudyDoc(dir: string): StudyDoc {
  const path = studyPaths(dir).study;
  if (!existsSync(path)) throw new UserError(`no study at ${dir} (no study.json)`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StudyDoc;
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

export function readCoordinatorDoc(dir: string): CoordinatorDoc | null {
  try {
    return JSON.parse(readFileSync(studyPaths(dir).coordinator, 'utf8')) as CoordinatorDoc;
  } catch {
    return null;
  }
}

/** True when a coordinator process on this machine is working on the study now. */
export function coordinatorAlive(doc: CoordinatorDoc | null): boolean {
  return Boolean(doc && doc.hostname === hostname() && isAlive(doc.pid));
}

/** Claims the study for this process; refuses when another live coordinator holds it. */
export function claimStudy(dir: string): void {
  const held = readCoordinatorDoc(dir);
  if (held && held.pid !== process.pid && coordinatorAlive(held)) {
    throw new UserError(
      `study ${dir} is already being run by pid ${held.pid}`,
      'stop it first with `aira stop`',
    );
  }
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(studyPaths(dir).coordinator, {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
  } satisfies CoordinatorDoc);
}

export function releaseStudy(dir: string): void {
  const held = readCoordinatorDoc(dir);
  if (held?.pid === process.pid) rmSync(studyPaths(dir).coordinator, { force: true });
}

/** Finds a study folder from an id (under `out`) or a path. */
export function locateStudy(idOrPath: string, out: string): string {
  for (const dir of [join(out, idOrPath), idOrPath]) if (existsSync(join(dir, 'study.json'))) return dir;
  throw new UserError(`no study "${idOrPath}" under ${out}`, 'list studies with `aira status`');
}
