import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
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
 * A study stopped by Ctrl-C or `aira stop` is not done: `aira run --resume` (the command the CLI
 * prints) goes on with the jobs the stop cancelled and the rest of its budget, until the budget,
 * max jobs or the cost cap ends it. Real coordinators, real local worker daemons, real signals.
 */

let cleanup: () => void = () => undefined;
const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  cleanup();
});

describe('aira run --resume after a stop', () => {
  it('Ctrl-C, then --resume: the run goes on to its max jobs; status says stopped, then ended', async () => {
    const t = tempRoot('aira-resume-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    const script = sleepyScript(t.dir, 0.3);
    const first = airaSpawn([
      'run',
      '--workers',
      'local:2',
      '--script',
      script,
      '--max-jobs',
      '8',
      '--budget',
      '10m',
      '--out',
      out,
    ]);
    const runDir = () => join(out, studyIn(out) ?? 'none', 'script-s0');
    await until(
      'two candidates',
      () => studyIn(out) && eventsOf(journal(runDir()), 'candidate.added').length >= 2,
    );
    const studyId = studyIn(out)!;
    leftovers.push(...workerPids(join(out, studyId)));
    first.child.kill('SIGINT');
    expect(await first.exited, first.err()).toBe(0);
    expect(first.out()).toContain(
      `study ${studyId} stopped; resume with: aira run --resume ${studyId} --out ${out}`,
    );
    const stoppedAt = eventsOf(journal(runDir()), 'run.ended')[0]!;
    expect(stoppedAt.reason).toBe('stopped');
    const before = eventsOf(journal(runDir()), 'candidate.added').length;
    expect(before).toBeLessThan(8);

    const status = airaSync(['status', '--out', out]);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${studyId}\\s+stopped`));
    expect(status.stdout).toMatch(/script-s0\s+stopped:stopped/);
    expect(status.stdout).toContain(`resume with: aira run --resume ${studyId}`);

    const resumed = airaSync(['run', '--resume', studyId, '--out', out]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(
      new RegExp(`${studyId}/script-s0: max-jobs, 8 candidate\\(s\\), final pick c\\d{4}`),
    );
    const events = journal(runDir());
    expect(eventsOf(events, 'run.resumed')).toHaveLength(1);
    expect(eventsOf(events, 'run.ended').map((e) => e.reason)).toEqual(['stopped', 'max-jobs']);
    // Every job has its candidate: the ones the stop cancelled ran again.
    const jobs = eventsOf(events, 'job.created').map((e) => e.job.id);
    const done = new Set(eventsOf(events, 'candidate.added').map((e) => e.candidate.jobId));
    expect(jobs.every((j) => done.has(j))).toBe(true);
    // Active time went on from where the stop left it (the budget is not started afresh).
    expect(eventsOf(events, 'run.resumed')[0]!.active).toBeGreaterThanOrEqual(stoppedAt.active);
    const again = airaSync(['status', studyId, '--out', out]);
    expect(again.stdout).toMatch(new RegExp(`${studyId}\\s+ended`));
    expect(again.stdout).toMatch(/script-s0\s+ended:max-jobs/);
  }, 240_000);

  it('aira stop, then --resume: goes on; a run ended by its budget is done and --resume leaves it', async () => {
    const t = tempRoot('aira-resume-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    const script = sleepyScript(t.dir, 0.3);
    const run = airaSpawn([
      'run',
      '--quiet',
      '--workers',
      'local:1',
      '--script',
      script,
      '--budget',
      '12s',
      '--out',
      out,
    ]);
    const runDir = () => join(out, studyIn(out) ?? 'none', 'script-s0');
    await until(
      'a candidate',
      () => studyIn(out) && eventsOf(journal(runDir()), 'candidate.added').length >= 1,
    );
    const studyId = studyIn(out)!;
    leftovers.push(...workerPids(join(out, studyId)));
    const stop = airaSync(['stop', studyId, '--out', out, '--wait', '60s']);
    expect(stop.status, stop.stderr).toBe(0);
    expect(await run.exited).toBe(0);
    const resumed = airaSync(['run', '--quiet', '--resume', studyId, '--out', out]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`${studyId}/script-s0: budget, \\d+ candidate\\(s\\)`));
    const ended = eventsOf(journal(runDir()), 'run.ended');
    expect(ended.map((e) => e.reason)).toEqual(['stopped', 'budget']);
    expect(ended[1]!.active).toBeGreaterThanOrEqual(12_000);
    // Done: resuming again starts nothing and changes nothing.
    const n = journal(runDir()).length;
    const third = airaSync(['run', '--quiet', '--resume', studyId, '--out', out]);
    expect(third.status, third.stderr).toBe(0);
    expect(journal(runDir())).toHaveLength(n);
    expect(workerPids(join(out, studyId))).toEqual([]);
  }, 240_000);
});
