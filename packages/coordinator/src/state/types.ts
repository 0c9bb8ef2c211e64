/** Domain records shared by the journal, the run state, policies and agents. */
import type { Direction } from '@aira/core';

export { isBetter, type Direction } from '@aira/core';

/** What a job does (docs/words.md §job): a draft from nothing, or an operator on parent candidates. */
export type Operator = 'draft' | 'mutate' | 'crossover' | 'improve' | 'debug';

export interface JobSpec {
  id: string;
  /** 1-based order of creation within the run. */
  index: number;
  operator: Operator;
  /** Candidate ids, in the order the operator uses them. */
  parents: string[];
  /** Seed the agent uses for this job (derived from the run seed and the index). */
  seed: number;
  /** Number of consecutive debug jobs that led here (0 unless operator is debug). */
  debugDepth: number;
}

/** A file kept in the run's content-addressed store (`artifacts/<sha[0:2]>/<sha>`). */
export interface ArtifactRef {
  sha256: string;
  size: number;
}

/**
 * Scores of a candidate: search drives the policy, validation makes the final pick, test is only
 * for reports (docs/paper.md §HCE). `valid: false` keeps it in the lineage but never a parent.
 */
export interface Scores {
  valid: boolean;
  search: number | null;
  validation?: number | null;
  test?: number | null;
  /** Why the candidate is invalid (traceback summary, missing file, no score line…). */
  reason?: string;
  /** Evaluator-specific extras (e.g. medals) kept for reports. */
  details?: Record<string, unknown>;
}

export interface CandidateRecord {
  id: string;
  jobId: string;
  operator: Operator;
  parents: string[];
  attempt: number;
  workerId: string;
  debugDepth: number;
  code: ArtifactRef;
  /** Files the submission returned (predictions etc.), by path. */
  artifacts: Record<string, ArtifactRef>;
  /** Output of the solution's final run (head and tail when long). */
  output: ArtifactRef;
  scores: Scores;
  timings: {
    /** Unix ms the attempt started and submitted. */
    startedAt: number;
    submittedAt: number;
    evaluatedAt: number;
    /** Run active time (ms) when the candidate was added: checkpoints cut on this. */
    activeMs: number;
  };
  /** The agent's own summary of what it did (free form). */
  summary?: string;
}

/** The direction an evaluator graded a candidate with (HCE records the competition's), if it says. */
export function gradedDirection(c: CandidateRecord): Direction | undefined {
  const d = c.scores.details?.direction;
  return d === 'maximize' || d === 'minimize' ? d : undefined;
}

/** The best valid candidate by search score: the one notion of "best" of status, live view and report. */
export function bestCandidate(
  candidates: Iterable<CandidateRecord>,
  direction: Direction,
): CandidateRecord | undefined {
  return rankCandidates(candidates, direction)[0];
}

/** Valid candidates with a finite search score, best first; ties keep creation order. */
export function rankCandidates(
  candidates: Iterable<CandidateRecord>,
  direction: Direction,
): CandidateRecord[] {
  const ok = [...candidates].filter(
    (c) => c.scores.valid && typeof c.scores.search === 'number' && Number.isFinite(c.scores.search),
  );
  const sign = direction === 'maximize' ? -1 : 1;
  return ok
    .map((c, i) => ({ c, i }))
    .sort((x, y) => sign * ((x.c.scores.search as number) - (y.c.scores.search as number)) || x.i - y.i)
    .map((x) => x.c);
}
