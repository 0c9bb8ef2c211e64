import { describe, expect, it } from 'vitest';
import type { EventBody, JournalEvent } from '../journal/events.js';
import { finalPick } from './final-pick.js';
import { replay, unfinishedJobs } from './run-state.js';
import type { CandidateRecord } from './types.js';

const ref = { sha256: 'x', size: 0 };
function cand(
  id: string,
  jobId: string,
  scores: CandidateRecord['scores'],
  activeMs = 0,
  attempt = 1,
): CandidateRecord {
  return {
    id,
    jobId,
    operator: 'draft',
    parents: [],
    attempt,
    workerId: 'w1',
    debugDepth: 0,
    code: ref,
    artifacts: {},
    output: ref,
    scores,
    timings: { startedAt: 0, submittedAt: 0, evaluatedAt: 0, activeMs },
  };
}
function events(bodies: EventBody[]): JournalEvent[] {
  return bodies.map((b, seq) => ({ seq, t: 1000 + seq, active: seq * 10, ...b }) as JournalEvent);
}
const job = (id: string, index: number) => ({
  type: 'job.created' as const,
  job: { id, index, operator: 'draft' as const, parents: [], seed: index, debugDepth: 0 },
});

describe('run state replay', () => {
  const journal = events([
    {
      type: 'run.started',
      studyId: 's',
      runId: 'r',
      seed: 3,
      competition: null,
      policy: 'evolution',
      search: {},
      direction: 'maximize',
    },
    { type: 'worker.joined', workerId: 'w1', info: { address: 'a:1', source: 'hosts' } },
    job('j0001', 1),
    { type: 'attempt.started', jobId: 'j0001', attempt: 1, workerId: 'w1' },
    { type: 'attempt.submitted', jobId: 'j0001', attempt: 1, workerId: 'w1' },
    { type: 'candidate.added', candidate: cand('c0001', 'j0001', { valid: true, search: 0.5 }) },
    job('j0002', 2),
    { type: 'attempt.started', jobId: 'j0002', attempt: 1, workerId: 'w1' },
    { type: 'worker.lost', workerId: 'w1', reason: 'silent' },
    { type: 'attempt.abandoned', jobId: 'j0002', attempt: 1, reason: 'worker lost' },
    { type: 'attempt.started', jobId: 'j0002', attempt: 2, workerId: 'w2' },
    { type: 'attempt.fenced', jobId: 'j0002', attempt: 1, what: 'submission' },
    job('j0003', 3),
    { type: 'attempt.started', jobId: 'j0003', attempt: 1, workerId: 'w2' },
    job('j0004', 4),
    { type: 'attempt.started', jobId: 'j0004', attempt: 1, workerId: 'w2' },
    { type: 'attempt.cancelled', jobId: 'j0004', attempt: 1, reason: 'budget' },
    { type: 'cost', jobId: 'j0003', attempt: 1, usd: 0.25 },
  ]);

  it('rebuilds jobs, attempts, candidates, workers and counters', () => {
    const s = replay(journal);
    expect(s.runId).toBe('r');
    expect(s.seed).toBe(3);
    expect(s.lastSeq).toBe(journal.length - 1);
    expect(s.activeMs).toBe((journal.length - 1) * 10);
    expect(s.candidates.size).toBe(1);
    expect(s.jobs.get('j0001')!.status).toBe('done');
    expect(s.jobs.get('j0002')!.attempts.map((a) => [a.n, a.status])).toEqual([
      [1, 'abandoned'],
      [2, 'running'],
    ]);
    expect(s.jobs.get('j0004')!.status).toBe('cancelled');
    expect(s.workers.get('w1')!.status).toBe('lost');
    expect(s.fenced).toBe(1);
    expect(s.costUsd).toBe(0.25);
    expect(s.starts).toBe(1);
  });

  it('lists the jobs a resume must re-run (in flight, not cancelled, no candidate)', () => {
    expect(unfinishedJobs(replay(journal)).map((j) => j.spec.id)).toEqual(['j0002', 'j0003']);
  });

  it('a prefix of the journal is the state at that point', () => {
    const before = replay(journal.slice(0, 9));
    expect(before.jobs.get('j0002')!.attempts.map((a) => a.status)).toEqual(['running']);
    expect(unfinishedJobs(before).map((j) => j.spec.id)).toEqual(['j0002']);
  });
});

describe('final pick (docs/paper.md §HCE)', () => {
  const cs = [
    cand('a', 'j1', { valid: true, search: 0.9, validation: 0.7 }, 100),
    cand('b', 'j2', { valid: true, search: 0.8, validation: 0.75 }, 200),
    cand('c', 'j3', { valid: false, search: 0.99, validation: 0.99 }, 300),
    cand('d', 'j4', { valid: true, search: 0.95, validation: 0.72 }, 5000),
  ];

  it('picks the best validation score among valid candidates when there are validation scores', () => {
    expect(finalPick(cs, 'maximize')).toEqual({ candidateId: 'b', by: 'validation', score: 0.75 });
    expect(finalPick(cs, 'minimize')).toEqual({ candidateId: 'a', by: 'validation', score: 0.7 });
  });

  it('falls back to the best search score without validation scores', () => {
    const noVal = cs.map((c) => ({ ...c, scores: { ...c.scores, validation: undefined } }));
    expect(finalPick(noVal, 'maximize')).toEqual({ candidateId: 'd', by: 'search', score: 0.95 });
  });

  it('applies the same rule at a checkpoint of active time', () => {
    expect(finalPick(cs, 'maximize', 150)).toEqual({ candidateId: 'a', by: 'validation', score: 0.7 });
    expect(finalPick(cs, 'maximize', 50)).toBeNull();
  });
});

describe('the direction of a run', () => {
  const started: EventBody = {
    type: 'run.started',
    studyId: 's',
    runId: 'r',
    seed: 1,
    competition: 'x',
    policy: 'greedy',
    search: {},
    direction: 'maximize',
  };
  const graded = (id: string, direction: string) =>
    ({
      type: 'candidate.added',
      candidate: cand(id, `j${id}`, { valid: true, search: 1, details: { direction } }),
    }) as const;

  it('comes from run.prepared, whatever candidates say', () => {
    const state = replay(
      events([
        started,
        {
          type: 'run.prepared',
          evaluator: 'hce',
          competition: 'x',
          direction: 'minimize',
          split: { key: 'k', splitSeed: 0 },
          protection: { hidden: true },
        },
        graded('c1', 'maximize'),
      ]),
    );
    expect(state.direction).toBe('minimize');
    expect(state.prepared).toEqual({
      evaluator: 'hce',
      competition: 'x',
      direction: 'minimize',
      split: { key: 'k', splitSeed: 0 },
      protection: { hidden: true },
    });
  });

  it('in an old journal without run.prepared, is the one the candidates were graded with', () => {
    expect(replay(events([started])).direction).toBe('maximize');
    const state = replay(events([started, graded('c1', 'minimize')]));
    expect(state.prepared).toBeNull();
    expect(state.direction).toBe('minimize');
  });
});
