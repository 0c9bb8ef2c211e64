import type { CandidateRecord, JobSpec } from '../state/types.js';

/**
 * Every state change of a run, in the order it happened. Each line of `journal.jsonl` is one event
 * with `seq` (0, 1, 2, … with no gap), `t` (unix ms) and `active` (the run's active time in ms,
 * which excludes a crashed coordinator's downtime). Readers (resume, HCE checkpoints, ablation,
 * dashboard) rebuild everything from these.
 */
export type JournalEvent = EventMeta & EventBody;

export interface EventMeta {
  seq: number;
  t: number;
  active: number;
}

export interface WorkerInfo {
  address: string;
  source: 'local' | 'hosts' | 'registered';
  hostname?: string;
  pid?: number;
  cpus?: number;
  gpus?: Array<{ index: string; name: string; memoryTotalBytes: number }>;
  cudaVisibleDevices?: string;
  python?: { executable: string; version: string; runner: string; packages: number };
  sandbox?: string;
  version?: string;
}

/**
 * What a run was prepared with: the evaluator's facts about the task, journaled once (`run.prepared`)
 * before the first job, so that readers take them from the journal instead of guessing them from
 * candidates' scores.
 */
export interface RunFacts {
  /** The registry name of the evaluator that scores the run ("hce", "self-reported"…). */
  evaluator: string;
  competition: string | null;
  /** The direction the evaluator grades with (HCE: the competition's metric, not the config's). */
  direction: 'maximize' | 'minimize';
  /** The fixed split every score of the run is computed on (HCE); null when there is none. */
  split: SplitFacts | null;
  /**
   * hidden: the coordinator holds answers candidate code must not read (HCE's hidden splits, or the
   * test answers under --hce off); only a worker with a sandbox keeps them hidden.
   */
  protection: { hidden: boolean };
}

export interface SplitFacts {
  /** Content hash of the split (data and split seed). */
  key: string;
  splitSeed: number;
  /** Rows and split units per part (train, search, validation, test). */
  counts?: Record<string, { rows: number; units: number }>;
}

export type EventBody =
  | {
      type: 'run.started';
      studyId: string;
      runId: string;
      seed: number;
      competition: string | null;
      policy: string;
      /** Resolved search parameters (policy defaults filled in). */
      search: Record<string, unknown>;
      direction: 'maximize' | 'minimize';
    }
  | ({ type: 'run.prepared' } & RunFacts)
  | { type: 'run.resumed'; pid: number }
  /** A run that ended on its cost cap goes on: the cap was raised on resume. */
  | { type: 'run.reopened'; reason: string }
  | { type: 'tick' }
  /** `replaces`: the worker whose place it takes (that one's process ended while budget remained). */
  | { type: 'worker.joined'; workerId: string; info: WorkerInfo; replaces?: string }
  | { type: 'worker.lost'; workerId: string; reason: string }
  | { type: 'worker.recovered'; workerId: string }
  /** A Slurm job of the study's workers was submitted, adopted after a restart, ended or cancelled. */
  | {
      type: 'slurm.job';
      jobId: string;
      action: 'submitted' | 'adopted' | 'ended' | 'cancelled';
      workers: number;
      state?: string;
      reason?: string;
    }
  | { type: 'job.created'; job: JobSpec }
  | { type: 'attempt.started'; jobId: string; attempt: number; workerId: string }
  | {
      type: 'session.opened';
      jobId: string;
      attempt: number;
      workerId: string;
      sessionId: string;
      /** Folders as candidate code sees them (so a resumed coordinator can take the session over). */
      dirs?: { data: string; work: string; submission: string };
    }
  /** A resumed coordinator took over an attempt whose exec was still on its worker, instead of re-running it. */
  | {
      type: 'attempt.adopted';
      jobId: string;
      attempt: number;
      workerId: string;
      sessionId: string;
      /** The exec that was running; absent when none was (the agent was between execs). */ execId?: string;
    }
  | {
      type: 'exec.started';
      jobId: string;
      attempt: number;
      workerId: string;
      sessionId: string;
      execId: string;
      kind: 'bash' | 'python';
      label: string;
      log: string;
    }
  | {
      type: 'exec.finished';
      jobId: string;
      attempt: number;
      execId: string;
      exitCode: number;
      signal: string;
      durationMs: number;
      reason: string;
      startedAt: number;
    }
  /** A trajectory step the agent records (tool call, observation summary, LLM turn…). */
  | { type: 'step'; jobId: string; attempt: number; step: Record<string, unknown> }
  /** The agent returned its submission: the worker slot is free from here. */
  | { type: 'attempt.submitted'; jobId: string; attempt: number; workerId: string }
  /** The attempt will never finish (worker lost, coordinator restarted, infrastructure error); the job is re-run. */
  | { type: 'attempt.abandoned'; jobId: string; attempt: number; reason: string }
  /** Ended on purpose (budget, stop); the job is not re-run in this run. */
  | { type: 'attempt.cancelled'; jobId: string; attempt: number; reason: string }
  /** A report from an attempt that is no longer current, ignored. */
  | { type: 'attempt.fenced'; jobId: string; attempt: number; what: string }
  | { type: 'candidate.added'; candidate: CandidateRecord }
  | { type: 'cost'; jobId: string; attempt: number; usd: number; detail?: Record<string, unknown> }
  | {
      type: 'run.ended';
      reason: 'budget' | 'max-jobs' | 'stopped' | 'cost' | 'error';
      finalPick: { candidateId: string; by: 'validation' | 'search'; score: number } | null;
      message?: string;
    };

export type EventType = EventBody['type'];
export type EventOf<T extends EventType> = Extract<EventBody, { type: T }> & EventMeta;
