import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureTokenFile } from '@aira/protocol';
import { RunConfig } from '../config/schema.js';
import type { JournalEvent } from '../journal/events.js';
import { tempDir } from '@aira/testing';
import {
  AIRA_BIN,
  eventsOf,
  journalOf,
  sleepyScript,
  startWorkers,
  type TestWorkers,
} from '../test-support/workers.js';
import { runStudy } from './study.js';

let workers: TestWorkers | undefined;
let cleanup: () => void = () => undefined;
afterEach(async () => {
  await workers?.stopAll();
  workers = undefined;
  cleanup();
});

/** Resolves the pid of the daemon behind a worker id, from the journal's worker.joined events. */
function pidOf(events: JournalEvent[], w: TestWorkers, workerId: string): number {
  const joined = eventsOf(events, 'worker.joined').find((e) => e.workerId === workerId)!;
  return w.workers.find((x) => x.address === joined.info.address)!.pid;
}

function assertEachJobOnce(events: JournalEvent[]): void {
  const added = eventsOf(events, 'candidate.added');
  const jobIds = added.map((a) => a.candidate.jobId);
  expect(new Set(jobIds).size).toBe(jobIds.length);
  expect(new Set(added.map((a) => a.candidate.id)).size).toBe(added.length);
}

describe('lost workers', () => {
  it('a worker killed mid-job: the job is finished elsewhere under a new attempt, once', async () => {
    const t = tempDir('aira-loss-');
    cleanup = t.cleanup;
    workers = await startWorkers(3, t.dir);
    const script = sleepyScript(
      t.dir,
      0.05,
      0.2,
      'time.sleep(60 if job["id"] == "j0002" and job["attempt"] == 1 else 0)',
    );
    const seen: JournalEvent[] = [];
    let killed: string | undefined;
    const res = await runStudy(
      RunConfig.parse({
        out: join(t.dir, 'runs'),
        agent: { script },
        budget: { maxJobs: 8 },
        workers: {
          spec: [`hosts:${workers.hostsFile}`],
          tokenFile: workers.tokenFile,
          heartbeat: 200,
          lease: 1_500,
        },
      }),
      {
        onEvent: (_r, e) => {
          seen.push(e);
          if (
            !killed &&
            e.type === 'exec.started' &&
            e.jobId === 'j0002' &&
            e.attempt === 1 &&
            e.label === 'solution'
          ) {
            killed = e.workerId;
            process.kill(pidOf(seen, workers!, e.workerId), 'SIGKILL');
          }
        },
      },
    );
    const run = res.runs[0]!;
    expect(killed).toBeDefined();
    expect(run.reason).toBe('max-jobs');
    expect(run.candidates).toBe(8);
    const events = journalOf(join(res.dir, run.runId));
    expect(eventsOf(events, 'worker.lost').map((e) => e.workerId)).toContain(killed);
    expect(
      eventsOf(events, 'attempt.abandoned')
        .filter((e) => e.jobId === 'j0002')
        .map((e) => e.attempt),
    ).toEqual([1]);
    const c2 = eventsOf(events, 'candidate.added').find((a) => a.candidate.jobId === 'j0002')!.candidate;
    expect(c2.attempt).toBe(2);
    expect(c2.workerId).not.toBe(killed);
    expect(c2.scores.valid).toBe(true);
    assertEachJobOnce(events);
  }, 120_000); // real daemons, a lease to expire

  it('a worker that stops answering: its job is re-run elsewhere and its late report is fenced', async () => {
    const t = tempDir('aira-fence-');
    cleanup = t.cleanup;
    workers = await startWorkers(3, t.dir);
    const script = sleepyScript(
      t.dir,
      0.2,
      0.4,
      'time.sleep(2.5 if job["id"] == "j0002" and job["attempt"] == 1 else 0)',
    );
    const seen: JournalEvent[] = [];
    let frozen: number | undefined;
    const stop = new AbortController();
    const giveUp = setTimeout(() => stop.abort(), 45_000);
    const res = await runStudy(
      RunConfig.parse({
        out: join(t.dir, 'runs'),
        agent: { script },
        workers: {
          spec: [`hosts:${workers.hostsFile}`],
          tokenFile: workers.tokenFile,
          heartbeat: 200,
          lease: 1_200,
        },
      }),
      {
        stop: stop.signal,
        onEvent: (_r, e) => {
          seen.push(e);
          if (
            frozen === undefined &&
            e.type === 'exec.started' &&
            e.jobId === 'j0002' &&
            e.attempt === 1 &&
            e.label === 'solution'
          ) {
            frozen = pidOf(seen, workers!, e.workerId);
            process.kill(frozen, 'SIGSTOP');
          }
          // Once the job is done elsewhere, the frozen daemon wakes up and reports what it ran.
          if (frozen !== undefined && e.type === 'candidate.added' && e.candidate.jobId === 'j0002')
            process.kill(frozen, 'SIGCONT');
          if (e.type === 'attempt.fenced' && e.jobId === 'j0002' && e.what === 'submission') stop.abort();
        },
      },
    );
    clearTimeout(giveUp);
    const events = journalOf(join(res.dir, res.runs[0]!.runId));
    const lost = eventsOf(events, 'worker.lost');
    expect(lost).toHaveLength(1);
    expect(eventsOf(events, 'worker.recovered').map((e) => e.workerId)).toEqual([lost[0]!.workerId]);
    const fenced = eventsOf(events, 'attempt.fenced').filter((e) => e.jobId === 'j0002');
    expect(fenced.map((e) => e.what)).toContain('submission');
    expect(fenced.every((e) => e.attempt === 1)).toBe(true);
    const c2 = eventsOf(events, 'candidate.added').filter((a) => a.candidate.jobId === 'j0002');
    expect(c2).toHaveLength(1);
    expect(c2[0]!.candidate.attempt).toBe(2);
    // The recovered worker took work again afterwards.
    const recoveredAt = eventsOf(events, 'worker.recovered')[0]!.seq;
    expect(
      eventsOf(events, 'attempt.started').some(
        (s) => s.seq > recoveredAt && s.workerId === lost[0]!.workerId,
      ),
    ).toBe(true);
    assertEachJobOnce(events);
  }, 120_000); // real daemons, a lease to expire

  it('workers that register themselves (aira worker --coordinator) are dialled back and used', async () => {
    const t = tempDir('aira-register-');
    cleanup = t.cleanup;
    const tokenFile = join(t.dir, 'token');
    ensureTokenFile(tokenFile);
    const script = sleepyScript(t.dir, 0.01, 0.05);
    const children: ChildProcess[] = [];
    try {
      const res = await runStudy(
        RunConfig.parse({
          out: join(t.dir, 'runs'),
          agent: { script },
          budget: { maxJobs: 6 },
          workers: { spec: ['register:127.0.0.1:0'], tokenFile, heartbeat: 1_000, waitFor: 30_000 },
        }),
        {
          onRegistration: (address) => {
            for (let i = 0; i < 2; i++) {
              const args = [
                AIRA_BIN,
                'worker',
                '--coordinator',
                address,
                '--token-file',
                tokenFile,
                '--workdir',
                join(t.dir, `w${i}`),
                '--log-level',
                'warn',
              ];
              children.push(spawn(process.execPath, args, { stdio: 'ignore' }));
            }
          },
        },
      );
      const events = journalOf(join(res.dir, res.runs[0]!.runId));
      expect(res.runs[0]!.candidates).toBe(6);
      const joined = eventsOf(events, 'worker.joined');
      expect(joined.length).toBeGreaterThanOrEqual(1);
      expect(joined.every((j) => j.info.source === 'registered')).toBe(true);
    } finally {
      for (const c of children) c.kill('SIGTERM');
    }
  }, 120_000); // real daemons, a lease to expire
});
