import type { JournalEvent, RunFacts, WorkerInfo } from '../journal/events.js';
import { gradedDirection, type CandidateRecord, type Direction, type JobSpec } from './types.js';

/**
 * Ends a resume continues: a stop (Ctrl-C, SIGTERM, `aira stop`, a broken pipe) or an error (e.g. a
 * journal that could not be written). A run ended by its budget, max jobs or cost cap is done.
 */
export const RESUMABLE_ENDS: ReadonlyArray<string> = ['stopped', 'error'];

export function isResumableEnd(reason: string): boolean {
  return RESUMABLE_ENDS.includes(reason);
}

export type AttemptStatus = 'running' | 'submitted' | 'done' | 'abandoned' | 'cancelled';

export interface AttemptState {
  n: number;
  workerId: string;
  status: AttemptStatus;
  startedAt: number;
  submittedAt?: number;
  sessionId?: string;
  dirs?: { data: string; work: string; submission: string };
  /** Exec ids started in this attempt, with whether they finished. */
  execs: Map<string, { workerId: string; sessionId: string; finished: boolean; log: string; label: string }>;
}

export interface JobState {
  spec: JobSpec;
  attempts: AttemptState[];
  /** pending: waiting for a worker; running: an attempt is current; done: has its candidate. */
  status: 'pending' | 'running' | 'done' | 'cancelled';
  candidateId?: string;
}

/** Everything a run knows, rebuilt from its journal by `applyEvent` (the same code live and on resume). */
export interface RunState {
  studyId: string;
  runId: string;
  seed: number;
  competition: string | null;
  /** The evaluator's direction once `run.prepared` says it; before (or in older journals) the config's, then the graded one. */
  direction: Direction;
  /** What the run was prepared with (`run.prepared`); null in journals written before that event existed. */
  prepared: RunFacts | null;
  policy: string;
  search: Record<string, unknown>;
  lastSeq: number;
  /** Active time (ms) at the last event. */
  activeMs: number;
  jobs: Map<string, JobState>;
  /** Candidates in the order they were added. */
  candidates: Map<string, CandidateRecord>;
  workers: Map<string, { info: WorkerInfo; status: 'up' | 'lost' }>;
  costUsd: number;
  fenced: number;
  /** Attempts a resumed coordinator took over rather than re-ran. */
  adopted: number;
  starts: number;
  ended: Extract<JournalEvent, { type: 'run.ended' }> | null;
}

export function emptyRunState(): RunState {
  return {
    studyId: '',
    runId: '',
    seed: 0,
    competition: null,
    direction: 'maximize',
    prepared: null,
    policy: '',
    search: {},
    lastSeq: -1,
    activeMs: 0,
    jobs: new Map(),
    candidates: new Map(),
    workers: new Map(),
    costUsd: 0,
    fenced: 0,
    adopted: 0,
    starts: 0,
    ended: null,
  };
}

export function replay(events: Iterable<JournalEvent>): RunState {
  const state = emptyRunState();
  for (const e of events) applyEvent(state, e);
  return state;
}

function attemptOf(state: RunState, jobId: string, n: number): AttemptState | undefined {
  return state.jobs.get(jobId)?.attempts.find((a) => a.n === n);
}

/** The facts of a `run.prepared` event, without the event's own fields. */
export function factsOf(e: Extract<JournalEvent, { type: 'run.prepared' }>): RunFacts {
  return {
    evaluator: e.evaluator,
    competition: e.competition,
    direction: e.direction,
    split: e.split,
    protection: e.protection,
  };
}

/** Folds one event into the state. */
export function applyEvent(state: RunState, e: JournalEvent): void {
  state.lastSeq = e.seq;
  state.activeMs = e.active;
  switch (e.type) {
    case 'run.started':
      Object.assign(state, {
        studyId: e.studyId,
        runId: e.runId,
        seed: e.seed,
        competition: e.competition,
        direction: e.direction,
        policy: e.policy,
        search: e.search,
      });
      state.starts++;
      break;
    case 'run.prepared': {
      state.prepared = factsOf(e);
      state.direction = e.direction;
      break;
    }
    case 'run.resumed':
      state.starts++;
      if (state.ended && isResumableEnd(state.ended.reason)) {
        // A stopped run goes on: the jobs its stop cancelled run again from their parents.
        state.ended = null;
        for (const job of state.jobs.values()) if (job.status === 'cancelled') job.status = 'pending';
      }
      break;
    case 'worker.joined':
      state.workers.set(e.workerId, { info: e.info, status: 'up' });
      break;
    case 'worker.lost': {
      const w = state.workers.get(e.workerId);
      if (w) w.status = 'lost';
      break;
    }
    case 'worker.recovered': {
      const w = state.workers.get(e.workerId);
      if (w) w.status = 'up';
      break;
    }
    case 'job.created':
      state.jobs.set(e.job.id, { spec: e.job, attempts: [], status: 'pending' });
      break;
    case 'attempt.started': {
      const job = state.jobs.get(e.jobId);
      if (!job) break;
      job.attempts.push({
        n: e.attempt,
        workerId: e.workerId,
        status: 'running',
        startedAt: e.t,
        execs: new Map(),
      });
      job.status = 'running';
      break;
    }
    case 'session.opened': {
      const a = attemptOf(state, e.jobId, e.attempt);
      if (a) {
        a.sessionId = e.sessionId;
        a.dirs = e.dirs;
      }
      break;
    }
    case 'attempt.adopted': {
      const a = attemptOf(state, e.jobId, e.attempt);
      if (a) a.status = 'running';
      state.adopted++;
      break;
    }
    case 'exec.started': {
      const a = attemptOf(state, e.jobId, e.attempt);
      a?.execs.set(e.execId, {
        workerId: e.workerId,
        sessionId: e.sessionId,
        finished: false,
        log: e.log,
        label: e.label,
      });
      break;
    }
    case 'exec.finished': {
      const x = attemptOf(state, e.jobId, e.attempt)?.execs.get(e.execId);
      if (x) x.finished = true;
      break;
    }
    case 'attempt.submitted': {
      const a = attemptOf(state, e.jobId, e.attempt);
      if (a) {
        a.status = 'submitted';
        a.submittedAt = e.t;
      }
      break;
    }
    case 'attempt.abandoned': {
      const a = attemptOf(state, e.jobId, e.attempt);
      const job = state.jobs.get(e.jobId);
      if (a) a.status = 'abandoned';
      if (job && job.status !== 'done') job.status = 'pending';
      break;
    }
    case 'attempt.cancelled': {
      const a = attemptOf(state, e.jobId, e.attempt);
      const job = state.jobs.get(e.jobId);
      if (a) a.status = 'cancelled';
      if (job && job.status !== 'done') job.status = 'cancelled';
      break;
    }
    case 'attempt.fenced':
      state.fenced++;
      break;
    case 'candidate.added': {
      const c = e.candidate;
      state.candidates.set(c.id, c);
      // A journal without run.prepared: the direction the evaluator graded with wins over the config's.
      if (!state.prepared) state.direction = gradedDirection(c) ?? state.direction;
      const job = state.jobs.get(c.jobId);
      if (job) {
        job.status = 'done';
        job.candidateId = c.id;
        const a = job.attempts.find((x) => x.n === c.attempt);
        if (a) a.status = 'done';
      }
      break;
    }
    case 'cost':
      state.costUsd += e.usd;
      break;
    case 'run.reopened':
      state.ended = null;
      break;
    case 'run.ended':
      state.ended = e;
      break;
    case 'step':
    case 'tick':
    case 'slurm.job':
      break;
  }
}

/** Jobs that were proposed but have no candidate and were not cancelled: re-run on resume. */
export function unfinishedJobs(state: RunState): JobState[] {
  return [...state.jobs.values()].filter((j) => j.status === 'pending' || j.status === 'running');
}

/** The event that ended a run, unless a later one reopened it (a raised cost cap). */
export function endOf(events: readonly JournalEvent[]): Extract<JournalEvent, { type: 'run.ended' }> | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'run.reopened') return null;
    if (e.type === 'run.ended') return e;
  }
  return null;
}
