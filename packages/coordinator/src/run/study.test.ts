import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTokenFile, WorkerConnection } from '@aira/protocol';
import { RunConfig, type RunConfigInput } from '../config/schema.js';
import { ArtifactStore } from '../state/artifacts.js';
import { eventsOf, journalOf, sleepyScript, useWorkers, type TestWorkers } from '../test-support/workers.js';
import { listSessions } from '../pool/sessions.js';
import { runStudy } from './study.js';

// Four real worker daemons (`aira worker` processes on 127.0.0.1:0) shared by these tests.
let workers: TestWorkers;
let root: string;
useWorkers(4, 'aira-study-', (w, dir) => ((workers = w), (root = dir)));

function config(name: string, over: RunConfigInput): RunConfig {
  return RunConfig.parse({
    out: join(root, name),
    workers: {
      spec: [`hosts:${workers.hostsFile}`],
      tokenFile: workers.tokenFile,
      heartbeat: 500,
      lease: 10_000,
    },
    ...over,
  });
}

describe('a study on real workers', () => {
  it('keeps 4 workers busy while jobs of uneven length arrive (steady state, no barrier)', async () => {
    const script = sleepyScript(root, 0.05, 0.6);
    const res = await runStudy(config('occupancy', { agent: { script }, budget: { maxJobs: 28 } }), {
      tickMs: 60_000,
    });
    const run = res.runs[0]!;
    expect(run.reason).toBe('max-jobs');
    expect(run.candidates).toBe(28);
    const events = journalOf(join(res.dir, run.runId));
    const starts = eventsOf(events, 'attempt.started');
    const ends = eventsOf(events, 'attempt.submitted');
    expect(starts).toHaveLength(28);
    expect(new Set(starts.map((s) => s.workerId)).size).toBe(4);
    // Counts and order: every slot freed while jobs remained got the next job at once, before any
    // other worker's job ended, and on that same worker.
    const remaining = (seq: number) => 28 - starts.filter((s) => s.seq < seq).length;
    for (const end of ends) {
      if (remaining(end.seq) === 0) continue;
      const next = events.find(
        (e) => e.seq > end.seq && (e.type === 'attempt.started' || e.type === 'attempt.submitted'),
      );
      expect(next?.type, `after ${end.jobId} ended at seq ${end.seq}`).toBe('attempt.started');
      expect((next as { workerId: string }).workerId).toBe(end.workerId);
    }
    // Occupancy from the journal's timestamps over the saturated window (first to last dispatch).
    const t0 = starts[0]!.t;
    const t1 = starts[starts.length - 1]!.t;
    let busy = 0;
    for (const s of starts) {
      const e = ends.find((x) => x.jobId === s.jobId && x.attempt === s.attempt)!;
      busy += Math.max(0, Math.min(e.t, t1) - Math.max(s.t, t0));
    }
    // Jobs after a worker's first run in a session opened ahead (a spare), whose shell was started
    // before the job came; each job's session is its own.
    const opened = eventsOf(events, 'session.opened');
    expect(opened.filter((o) => o.sessionId.includes('.spare-')).length).toBeGreaterThan(0);
    expect(new Set(opened.map((o) => o.sessionId)).size).toBe(opened.length);
    await expectNothingLeft(res.studyId);
    const occupancy = busy / (4 * (t1 - t0));
    console.info(`occupancy of 4 workers: ${(occupancy * 100).toFixed(1)}%`);
    expect(occupancy).toBeGreaterThanOrEqual(0.9);
  });

  it('evolves from valid parents that existed when the job was proposed, and the solution sees them', async () => {
    const script = sleepyScript(
      root,
      0.01,
      0.05,
      'print("parents:", os.environ["AIRA_PARENTS"], "operator:", job["operator"])',
    );
    const res = await runStudy(
      config('evolution', { agent: { script }, budget: { maxJobs: 12 }, search: { initialPopulation: 3 } }),
    );
    const dir = join(res.dir, res.runs[0]!.runId);
    const events = journalOf(dir);
    const created = eventsOf(events, 'job.created');
    const added = eventsOf(events, 'candidate.added');
    expect(created.slice(0, 3).every((c) => c.job.operator === 'draft')).toBe(true);
    expect(created.some((c) => c.job.operator === 'mutate')).toBe(true);
    const store = new ArtifactStore(join(dir, 'artifacts'));
    for (const c of created) {
      for (const p of c.job.parents) {
        const parent = added.find((a) => a.candidate.id === p);
        expect(parent, `${c.job.id} parent ${p}`).toBeDefined();
        expect(parent!.seq).toBeLessThan(c.seq);
        expect(parent!.candidate.scores.valid).toBe(true);
      }
      const cand = added.find((a) => a.candidate.jobId === c.job.id)!.candidate;
      expect(store.text(cand.output)).toContain(
        `parents: ${c.job.parents.join(',')} operator: ${c.job.operator}`,
      );
      expect(Object.keys(cand.artifacts)).toEqual(['submission/pred.txt']);
    }
  });

  it('runs one run per seed, each with its own journal, manifest and seed-derived job seeds', async () => {
    const script = sleepyScript(root, 0.01, 0.03);
    const res = await runStudy(
      config('seeds', {
        agent: { script },
        budget: { maxJobs: 3 },
        seeds: [0, 7],
        labels: { variant: 'test' },
      }),
    );
    expect(res.runs.map((r) => [r.runId, r.reason, r.candidates])).toEqual([
      ['script-s0', 'max-jobs', 3],
      ['script-s7', 'max-jobs', 3],
    ]);
    const seedsOf = (runId: string) =>
      eventsOf(journalOf(join(res.dir, runId)), 'job.created').map((e) => e.job.seed);
    expect(seedsOf('script-s0')).not.toEqual(seedsOf('script-s7'));
    const manifest = JSON.parse(readFileSync(join(res.dir, 'script-s7', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      runId: 'script-s7',
      seed: 7,
      agent: 'script',
      evaluator: 'self-reported',
      config: { labels: { variant: 'test' } },
    });
    expect(manifest.workers).toHaveLength(4);
    expect(manifest.python[0].executable).toMatch(/python/);
    expect(Object.keys(manifest.python[0].packages).length).toBeGreaterThan(0);
    expect(manifest.git.commit === null || /^[0-9a-f]{40}$/.test(manifest.git.commit)).toBe(true);
  });

  it('best-of-k never uses a parent', async () => {
    const script = sleepyScript(root, 0.01, 0.05);
    const res = await runStudy(
      config('bestofk', { agent: { script }, budget: { maxJobs: 10 }, search: { policy: 'best-of-k' } }),
    );
    const events = journalOf(join(res.dir, res.runs[0]!.runId));
    const created = eventsOf(events, 'job.created');
    expect(created).toHaveLength(10);
    for (const c of created) expect(c.job).toMatchObject({ operator: 'draft', parents: [] });
  });

  it('ends at the wall-clock budget: running jobs are cancelled cleanly and the final pick is made', async () => {
    const script = sleepyScript(
      root,
      0.2,
      0.3,
      'time.sleep(0 if int(os.environ["AIRA_JOB_SEED"]) % 2 else 30)',
    );
    const res = await runStudy(config('budget', { agent: { script }, budget: { wallClock: '3s' } }));
    const run = res.runs[0]!;
    expect(run.reason).toBe('budget');
    const events = journalOf(join(res.dir, run.runId));
    const cancelled = eventsOf(events, 'attempt.cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    const ended = eventsOf(events, 'run.ended')[0]!;
    expect(ended.active).toBeGreaterThanOrEqual(3000);
    expect(ended.active).toBeLessThan(3000 + 15_000);
    const added = eventsOf(events, 'candidate.added');
    if (added.some((a) => a.candidate.scores.valid)) expect(ended.finalPick?.by).toBe('search');
    await expectNothingLeft(res.studyId);
  });

  it('stops cleanly when asked (the signal `aira stop` sends)', async () => {
    const script = sleepyScript(root, 0.1, 0.2, 'time.sleep(30 if job["index"] > 3 else 0)');
    const stop = new AbortController();
    const res = await runStudy(config('stop', { agent: { script } }), {
      stop: stop.signal,
      onEvent: (_run, e) => {
        if (e.type === 'candidate.added' && e.candidate.id === 'c0001') setTimeout(() => stop.abort(), 300);
      },
    });
    expect(res.stopped).toBe(true);
    const events = journalOf(join(res.dir, res.runs[0]!.runId));
    expect(eventsOf(events, 'run.ended')[0]!.reason).toBe('stopped');
    expect(eventsOf(events, 'attempt.cancelled').length).toBeGreaterThanOrEqual(1);
    expect(eventsOf(events, 'run.ended')[0]!.finalPick).not.toBeNull();
    // Spare sessions opened ahead for the next jobs are closed with the rest.
    await expectNothingLeft(res.studyId);
  });
});

/** Nothing of the study is left on the workers: no job's session, no spare opened ahead. */
async function expectNothingLeft(studyId: string): Promise<void> {
  const token = readTokenFile(workers.tokenFile);
  for (const w of workers.workers) {
    const { connection } = await WorkerConnection.connect({ address: w.address, token });
    const sessions = await listSessions(connection, 5_000);
    expect(sessions.filter((s) => s.labels['aira.study'] === studyId)).toEqual([]);
    connection.close();
  }
}
