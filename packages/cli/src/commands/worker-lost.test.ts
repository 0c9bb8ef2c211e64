import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  airaSpawn,
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
 * A local worker killed mid-job is noticed at once (its process ended), not after its lease: its
 * job runs again, a new daemon takes its slot while the budget lasts, and the report says so.
 */

let cleanup: () => void = () => undefined;
const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  cleanup();
});

describe('a killed local worker', () => {
  it('is noticed at once, its job re-runs, it is replaced, and the report says so', async () => {
    const t = tempRoot('aira-lost-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    // Jobs 1-2 are quick; from job 3 on each takes 3 s, so the kill lands mid-job. The lease is
    // long (10 m), so only the process exit can make the run notice within the test. Enough jobs
    // follow the kill that the replacement daemon (a fresh node process) joins before the run ends.
    const script = sleepyScript(t.dir, 0, 'time.sleep(0 if job["index"] <= 2 else 3)');
    const run = airaSpawn([
      'run',
      '--quiet',
      '--workers',
      'local:2',
      '--script',
      script,
      '--max-jobs',
      '10',
      '--lease',
      '10m',
      '--out',
      out,
    ]);
    const runDir = () => join(out, studyIn(out) ?? 'none', 'script-s0');
    await until(
      'a job past the second running',
      () =>
        studyIn(out) &&
        eventsOf(journal(runDir()), 'exec.started').some(
          (e) => e.label === 'solution' && Number(e.jobId.slice(1)) >= 3,
        ),
    );
    const studyId = studyIn(out)!;
    const studyDir = join(out, studyId);
    const started = eventsOf(journal(runDir()), 'exec.started').find(
      (e) => e.label === 'solution' && Number(e.jobId.slice(1)) >= 3,
    )!;
    const joined = eventsOf(journal(runDir()), 'worker.joined').find((e) => e.workerId === started.workerId)!;
    const victim = joined.info.pid!;
    leftovers.push(...workerPids(studyDir));
    const killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    await until(
      'the loss in the journal',
      () => eventsOf(journal(runDir()), 'worker.lost').length > 0,
      60_000,
    );
    // Far sooner than the 10-minute lease (bounded loosely: the machine may be loaded).
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    expect(await run.exited, run.err()).toBe(0);
    leftovers.push(...workerPids(studyDir));

    const events = journal(runDir());
    const lost = eventsOf(events, 'worker.lost');
    expect(lost).toEqual([
      expect.objectContaining({
        workerId: started.workerId,
        reason: 'its process ended (killed by SIGKILL)',
      }),
    ]);
    const abandoned = eventsOf(events, 'attempt.abandoned').filter((e) => e.jobId === started.jobId);
    expect(abandoned[0]!.reason).toContain(`worker ${started.workerId} lost`);
    const replacement = eventsOf(events, 'worker.joined').find((e) => e.replaces === started.workerId);
    expect(replacement).toBeDefined();
    expect(replacement!.info.pid).not.toBe(victim);
    // The job ran again and every job has its candidate.
    const done = eventsOf(events, 'candidate.added');
    expect(done).toHaveLength(10);
    expect(done.find((c) => c.candidate.jobId === started.jobId)!.candidate.attempt).toBeGreaterThan(
      started.attempt,
    );
    expect(eventsOf(events, 'run.ended')[0]!.reason).toBe('max-jobs');
    const report = readFileSync(join(studyDir, 'report.md'), 'utf8');
    expect(report).toContain(
      `Workers lost: ${started.workerId} (its process ended (killed by SIGKILL)), replaced by ${replacement!.workerId}; their running jobs were run again.`,
    );
  }, 240_000);
});
