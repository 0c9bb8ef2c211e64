import { describe, expect, it } from 'vitest';
import type { CandidateRecord, EventBody, JournalEvent } from '@aira/coordinator';
import { pickAt } from './pick.js';

const ref = { sha256: 'x', size: 1 };
const candidate = (id: string, validation: number, details?: Record<string, unknown>): EventBody => ({
  type: 'candidate.added',
  candidate: {
    id,
    jobId: `j${id}`,
    operator: 'draft',
    parents: [],
    attempt: 1,
    workerId: 'w',
    debugDepth: 0,
    code: ref,
    artifacts: {},
    output: ref,
    scores: { valid: true, search: validation, validation, ...(details ? { details } : {}) },
    timings: { startedAt: 0, submittedAt: 0, evaluatedAt: 0, activeMs: 10 },
  } satisfies CandidateRecord,
});
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
const journal = (bodies: EventBody[]): JournalEvent[] =>
  bodies.map((b, seq) => ({ seq, t: seq, active: seq, ...b }) as JournalEvent);

describe('pickAt and the direction', () => {
  it("takes run.prepared's direction (lower is better here)", () => {
    const p = pickAt(
      journal([
        started,
        {
          type: 'run.prepared',
          evaluator: 'hce',
          competition: 'x',
          direction: 'minimize',
          split: null,
          protection: { hidden: true },
        },
        candidate('c1', 0.2),
        candidate('c2', 0.1),
      ]),
      Infinity,
    );
    expect(p).toMatchObject({ candidateId: 'c2', direction: 'minimize', by: 'validation' });
  });

  it('in an old journal without it, takes the direction HCE recorded in the candidates', () => {
    const old = journal([
      started,
      candidate('c1', 0.2, { direction: 'minimize' }),
      candidate('c2', 0.1, { direction: 'minimize' }),
    ]);
    expect(pickAt(old, Infinity)).toMatchObject({ candidateId: 'c2', direction: 'minimize' });
    // Nothing recorded anywhere: the config's direction from run.started.
    const bare = journal([started, candidate('c1', 0.2), candidate('c2', 0.1)]);
    expect(pickAt(bare, Infinity)).toMatchObject({ candidateId: 'c1', direction: 'maximize' });
  });
});
