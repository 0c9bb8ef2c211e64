import { errorMessage, type Logger } from '@aira/core';
import type { Evaluator, Job, Submission } from '../agent/types.js';
import type { ArtifactStore } from '../state/artifacts.js';
import type { CandidateRecord, JobSpec, Scores } from '../state/types.js';

export const pad = (n: number) => String(n).padStart(4, '0');

/** Who made a submission: the attempt of a job, on a worker, under a session's protection. */
export interface Origin {
  spec: JobSpec;
  attempt: number;
  workerId: string;
  protection: string;
  signal: AbortSignal;
}

/**
 * Scores a submission (a failure without a job view is invalid as it is) and stores its code,
 * output and files in the run's artifact store: the candidate the journal records.
 */
export async function makeCandidate(
  d: { evaluator: Evaluator; artifacts: ArtifactStore; runDir: string; activeMs: () => number },
  origin: Origin,
  job: Job | null,
  submission: Submission,
  times: { startedAt: number; submittedAt: number },
): Promise<CandidateRecord> {
  let scores: Scores;
  if (submission.failure && !job) scores = { valid: false, search: null, reason: submission.failure };
  else {
    try {
      scores = await d.evaluator.evaluate(submission, {
        job: job!,
        runDir: d.runDir,
        signal: origin.signal,
        protection: origin.protection,
      });
    } catch (err) {
      scores = { valid: false, search: null, reason: `evaluation failed: ${errorMessage(err)}` };
    }
  }
  const code = await d.artifacts.put(Buffer.from(submission.code));
  const output = await d.artifacts.put(Buffer.from(submission.output));
  const artifacts: Record<string, CandidateRecord['code']> = {};
  for (const f of submission.files) artifacts[f.path] = await d.artifacts.put(f.data);
  const spec = origin.spec;
  return {
    id: `c${pad(spec.index)}`,
    jobId: spec.id,
    operator: spec.operator,
    parents: spec.parents,
    attempt: origin.attempt,
    workerId: origin.workerId,
    debugDepth: spec.debugDepth,
    code,
    artifacts,
    output,
    scores,
    timings: { ...times, evaluatedAt: Date.now(), activeMs: Math.round(d.activeMs()) },
    summary: submission.summary,
  };
}

/** Candidates being evaluated and journaled; the run ends only after they all are. */
export class Evaluations {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly logger: Logger,
    /** Called as each one settles (the run may be done then). */
    private readonly settled: () => void,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** Follows one; a failure is logged with its job and attempt (the job then has no candidate). */
  add(p: Promise<void>, what: { job: string; attempt: number }): void {
    const t: Promise<void> = p
      .catch((err: unknown) =>
        this.logger.error({ ...what, err: errorMessage(err) }, 'adding a candidate failed'),
      )
      .finally(() => {
        this.pending.delete(t);
        this.settled();
      });
    this.pending.add(t);
  }

  /** Resolves once none is left (including those added meanwhile). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
