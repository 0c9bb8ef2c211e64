import { describe, expect, it } from 'vitest';
import { replay, type EventBody, type JournalEvent } from '@aira/coordinator';
import { buildRunReport } from './model.js';
import { candidateRecord } from './test-support/study.js';

const started: EventBody = {
  type: 'run.started',
  studyId: 's',
  runId: 'r',
  seed: 0,
  competition: 'x',
  policy: 'greedy',
  search: {},
  direction: 'maximize',
};

function report(bodies: EventBody[]) {
  const events = bodies.map((b, seq) => ({ seq, t: seq, active: seq, ...b }) as JournalEvent);
  return buildRunReport({
    run: { runId: 'r', competition: 'x', seed: 0 },
    events,
    state: replay(events),
    manifest: { agent: 'template', evaluator: 'hce' },
    budgetMs: 1000,
  });
}

describe("a run's facts in the report", () => {
  it('come from run.prepared: direction and evaluator', () => {
    // The candidates' details say maximize; run.prepared is what the evaluator graded with.
    const c1 = candidateRecord({ id: 'c1', at: 1, search: 0.2, validation: 0.2 }, 'maximize');
    const c2 = candidateRecord({ id: 'c2', at: 2, search: 0.1, validation: 0.1 }, 'maximize');
    const r = report([
      started,
      {
        type: 'run.prepared',
        evaluator: 'self-reported',
        competition: 'x',
        direction: 'minimize',
        split: null,
        protection: { hidden: true },
      },
      { type: 'candidate.added', candidate: c1 },
      { type: 'candidate.added', candidate: c2 },
    ]);
    expect(r).toMatchObject({ direction: 'minimize', evaluator: 'self-reported' });
    expect(r.bestSearch).toEqual({ candidateId: 'c2', score: 0.1 });
    expect(r.pick?.candidateId).toBe('c2');
  });

  it('in an old journal without it, come from the candidates and the manifest', () => {
    const c1 = candidateRecord({ id: 'c1', at: 1, search: 0.2, validation: 0.2 }, 'minimize');
    const c2 = candidateRecord({ id: 'c2', at: 2, search: 0.1, validation: 0.1 }, 'minimize');
    const r = report([
      started,
      { type: 'candidate.added', candidate: c1 },
      { type: 'candidate.added', candidate: c2 },
    ]);
    expect(r).toMatchObject({ direction: 'minimize', evaluator: 'hce' });
    expect(r.pick?.candidateId).toBe('c2');
  });
});
