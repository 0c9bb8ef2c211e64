import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AIRA,
  airaSpawn,
  airaSync,
  alive,
  eventsOf,
  journal,
  sleepyScript,
  studyIn,
  tempRoot,
  until,
  workerPids,
} from '../test-support/cli.js';

/**
 * No worker daemon outlives its coordinator: a killed coordinator's daemons end by themselves
 * after a short grace, SIGHUP and a closed stdout end the study as SIGTERM does, `aira stop` ends
 * what a coordinator left, and `local:N` is checked against the machine before anything starts.
 */

let cleanup: () => void = () => undefined;
const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  cleanup();
});

async function started(out: string, args: string[], extra: string[] = []) {
  const run = airaSpawn(['run', '--workers', 'local:2', ...args, '--out', out, ...extra]);
  const runDir = () => join(out, studyIn(out) ?? 'none', 'script-s0');
  await until(
    'a candidate',
    () => studyIn(out) && eventsOf(journal(runDir()), 'candidate.added').length >= 1,
  );
  const studyId = studyIn(out)!;
  const pids = workerPids(join(out, studyId));
  leftovers.push(...pids);
  expect(pids).toHaveLength(2);
  return { run, studyId, pids, runDir };
}

describe('no orphaned worker daemons', () => {
  it('SIGKILL of the coordinator: its daemons shut down by themselves once it is gone', async () => {
    const t = tempRoot('aira-orphans-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    const { run, pids } = await started(out, ['--quiet', '--script', sleepyScript(t.dir, 0.3)]);
    run.child.kill('SIGKILL');
    await run.exited;
    // The grace (20 s) lets a resumed coordinator adopt them; past it they are gone.
    for (const pid of pids) await until(`worker ${pid} to exit`, () => !alive(pid), 90_000);
  }, 150_000);

  it('SIGHUP ends the study cleanly, as SIGTERM does: resumable, daemons stopped', async () => {
    const t = tempRoot('aira-orphans-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    const { run, studyId, pids, runDir } = await started(out, ['--script', sleepyScript(t.dir, 0.3)]);
    run.child.kill('SIGHUP');
    expect(await run.exited, run.err()).toBe(0);
    expect(run.err()).toContain('SIGHUP: ending the study cleanly');
    expect(eventsOf(journal(runDir()), 'run.ended').map((e) => e.reason)).toEqual(['stopped']);
    for (const pid of pids) await until(`worker ${pid} to exit`, () => !alive(pid), 30_000);
    expect(existsSync(join(out, studyId, 'coordinator.json'))).toBe(false);
  }, 150_000);

  it('`aira run --json ... | head -3`: the closed pipe ends the study cleanly and stops its daemons', async () => {
    const t = tempRoot('aira-orphans-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    const script = sleepyScript(t.dir, 0.3);
    const cmd = `"${process.execPath}" "${AIRA}" run --json --workers local:2 --script "${script}" --max-jobs 40 --out "${out}" | head -3`;
    const sh = spawn('/bin/sh', ['-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let err = '';
    sh.stdout.on('data', (d: Buffer) => (text += d.toString()));
    sh.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise((r) => sh.once('exit', r));
    expect(text.trim().split('\n')).toHaveLength(3);
    const studyId = await until('the study', () => studyIn(out));
    const dir = join(out, studyId);
    // The coordinator ends the study (it was not killed by the pipe) and releases it.
    await until(
      'the study to be released',
      () =>
        !existsSync(join(dir, 'coordinator.json')) &&
        eventsOf(journal(join(dir, 'script-s0')), 'run.ended').length > 0,
      60_000,
    );
    expect(eventsOf(journal(join(dir, 'script-s0')), 'run.ended')[0]!.reason).toBe('stopped');
    const pids = workerPids(dir);
    leftovers.push(...pids);
    for (const pid of pids) await until(`worker ${pid} to exit`, () => !alive(pid), 30_000);
    expect(err).not.toMatch(/Error: write EPIPE|at .*\.js:\d+/);
  }, 150_000);

  it('`aira stop` ends the daemons a killed coordinator left (--keep-workers)', async () => {
    const t = tempRoot('aira-orphans-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    const { run, studyId, pids } = await started(out, [
      '--quiet',
      '--script',
      sleepyScript(t.dir, 0.3),
      '--keep-workers',
    ]);
    run.child.kill('SIGKILL');
    await run.exited;
    expect(pids.every(alive)).toBe(true);
    const stop = airaSync(['stop', studyId, '--out', out]);
    expect(stop.status, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(
      new RegExp(
        `stopped 2 worker daemon\\(s\\) it had left running \\(pid ${pids.join(', ')}\\)|stopped 2 worker daemon`,
      ),
    );
    for (const pid of pids) await until(`worker ${pid} to exit`, () => !alive(pid), 20_000);
  }, 150_000);

  it('local:N beyond the machine is refused before the study folder exists', () => {
    const t = tempRoot('aira-orphans-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    const r = airaSync(['run', '--workers', 'local:9999', '--script', sleepyScript(t.dir, 0), '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^aira: workers: "local:9999" asks for 9999 local workers; this machine has \d+ CPU\(s\) and \d+ GPU\(s\), so at most local:\d+$/m,
    );
    expect(existsSync(out)).toBe(false);
  });
});
