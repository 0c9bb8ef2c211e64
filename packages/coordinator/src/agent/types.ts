import type { Logger } from '@aira/core';
import type { RunConfig } from '../config/schema.js';
import type { SplitFacts } from '../journal/events.js';
import type { Direction, JobSpec, Scores } from '../state/types.js';

/** A file in a session, path relative to the session root (`work/solution.py`, `submission/x.csv`). */
export interface SessionFile {
  path: string;
  data: Buffer;
  mode?: number;
}

/** A local file to put into a session: streamed from disk (its mode kept), never read whole into memory. */
export interface LocalSessionFile {
  path: string;
  localPath: string;
}

export interface ExecOptions {
  /** Wall-clock limit of this exec (capped by the run's per-exec cap). */
  timeoutMs?: number;
  /** Shown by `ListSessions` and stored with the exec (e.g. "solution", "tool:bash"). */
  label?: string;
  /** Called with each chunk as it arrives (after it is stored). */
  onOutput?: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  /**
   * Files the exec needs, put into the session before it runs: in the Exec call itself where the
   * worker takes them (small files: docs/dispatch.md), else by putFiles just before.
   */
  files?: SessionFile[];
}

export interface AttachOptions extends ExecOptions {
  /**
   * The exec's own request. An exec is journaled before it is sent, so a coordinator that died in
   * between left one the worker never received; with this it is sent now under the same id (Exec
   * is idempotent by id: one the worker has is followed, not run twice).
   */
  start?: { kind: 'bash' | 'python'; code: string; files?: SessionFile[] };
}

export interface ExecResult {
  execId: string;
  /** Exit code; -1 when ended by a signal. */
  exitCode: number;
  signal: string;
  durationMs: number;
  /** Why it ended when not by itself ("cancelled", "timeout", "memory limit"…), else "". */
  reason: string;
  stateLost: boolean;
  /** Combined output, head and tail kept when long (the whole of it is in `logPath`). */
  output: string;
  /** True when `output` had its middle cut out. */
  clipped: boolean;
  /** Where the complete output is stored in the run folder. */
  logPath: string;
}

/**
 * A job's workspace on one worker: a stateful bash and a stateful Python, file transfer, and the
 * folders candidate code sees. Agents reach the worker only through this; every exec's output is
 * stored in the run folder as it streams and each exec is journaled.
 */
export interface Session {
  readonly id: string;
  readonly workerId: string;
  /** Folders as candidate code sees them. */
  readonly dirs: { data: string; work: string; submission: string };
  /** The candidate interpreter the worker declares (Describe), e.g. /usr/bin/python3. */
  readonly python: string;
  /** "bubblewrap" or "none". */
  readonly protection: string;
  /** Aborted when the job is cancelled (budget, stop) or its attempt is abandoned. */
  readonly signal: AbortSignal;
  exec(kind: 'bash' | 'python', code: string, options?: ExecOptions): Promise<ExecResult>;
  /** Follows an exec started earlier in this session (by a coordinator that died) from its start. */
  attach(execId: string, options?: AttachOptions): Promise<ExecResult>;
  putFiles(files: Array<SessionFile | LocalSessionFile>): Promise<void>;
  /** Files or whole folders, relative to the session root. */
  getFiles(paths: string[]): Promise<SessionFile[]>;
  close(): Promise<void>;
}

/** A parent as an agent sees it: its code, search score and output; never validation or test. */
export interface ParentView {
  id: string;
  operator: string;
  code: string;
  valid: boolean;
  searchScore: number | null;
  /** Why it is invalid, when it is. */
  reason?: string;
  /** Tail of the output its run printed. */
  output: string;
  summary?: string;
}

/**
 * A competition as a run carries it: made once, by whoever wires the study (the CLI, from the
 * plugin registry it loaded), and prepared in the run's set-up. The coordinator reads only its id;
 * agents and evaluators that know the competitions package read the rest (manifest, paths, grader).
 */
export interface RunCompetition {
  readonly id: string;
  /** The plugin's own data preparation; a no-op when its data is current. */
  prepare?(): Promise<void>;
}

/** What the evaluator (HCE or self-reported) tells agents about the task. */
export interface TaskInfo {
  competition: string | null;
  /** The run's competition itself, when the study's registry makes them (see `RunCompetition`). */
  definition?: RunCompetition;
  direction: Direction;
  /** A folder every worker sees (shared filesystem) bound read-only as the session's data folder. */
  dataPath?: string;
  /** Files uploaded into each session (e.g. the public data when there is no shared filesystem). */
  files?: Array<SessionFile | LocalSessionFile>;
  /** What to write where (HCE: one prediction file per split). */
  description?: string;
  /** The fixed split the evaluator scores on (HCE), journaled in `run.prepared`; agents never need it. */
  split?: SplitFacts;
  /** Whether the coordinator holds answers candidate code must not read (journaled in `run.prepared`). */
  hidden?: boolean;
}

export interface Job {
  spec: JobSpec;
  runId: string;
  attempt: number;
  parents: ParentView[];
  task: TaskInfo;
}

export interface AgentContext {
  readonly config: RunConfig;
  readonly log: Logger;
  /** Aborted on cancel (budget, stop) or when the attempt is abandoned. */
  readonly signal: AbortSignal;
  /** Journals one trajectory step. */
  record(step: Record<string, unknown>): Promise<void>;
  /** Reports LLM spending; journaled and counted against the run's cost cap. */
  reportCost(usd: number, detail?: Record<string, unknown>): Promise<void>;
  /** True once the run's or the study's cost cap is reached: start no new LLM call, submit what you have. */
  costCapReached(): boolean;
  /** How long the next LLM call must wait for the study's hourly spending limit (0: start now). */
  spendWaitMs(): number;
  /** Active time left in the run's budget (ms). */
  remainingMs(): number;
  /** The run's folder: where an agent keeps its own files (LLM logs, a conversation to resume from). */
  readonly runDir: string;
}

/** What a job ends with (docs/words.md §job). */
export interface Submission {
  /** The solution's source. */
  code: string;
  /** Its file name in the work folder (e.g. solution.py). */
  codePath: string;
  /** Files the solution wrote that the evaluator reads (predictions), pulled from the session. */
  files: SessionFile[];
  /** Output of the solution's final run (the self-reported evaluator reads `score:` from it). */
  output: string;
  exitCode: number;
  /** Set when the agent could not produce a runnable solution; the candidate is then invalid. */
  failure?: string;
  summary?: string;
}

/** An exec that was still running on a worker when the coordinator died. */
export interface RunningExec {
  execId: string;
  label: string;
}

export interface Agent {
  readonly name: string;
  /**
   * Optional: files the same in every job's session (e.g. the script agent's solution), put into
   * it before `runJob`; a session opened ahead of its job receives them then, off the job's clock.
   * An agent that wraps another passes its inner agent's on.
   */
  readonly sessionFiles?: SessionFile[];
  runJob(job: Job, session: Session, ctx: AgentContext): Promise<Submission>;
  /**
   * Optional: whether a job whose coordinator died while `running` was in flight (null: between
   * execs, e.g. waiting for an LLM) can be finished from where it is (its session, and exec if
   * any, are still on the worker) instead of re-run.
   */
  canResume?(running: RunningExec | null): boolean;
  /** Finishes such a job: `session` is the job's own session, `running` still runs or has ended there. */
  resumeJob?(job: Job, session: Session, ctx: AgentContext, running: RunningExec | null): Promise<Submission>;
}

export interface EvaluationContext {
  job: Job;
  runDir: string;
  signal: AbortSignal;
  /** What protected the hidden data while the attempt ran: its session's `protection` ("bubblewrap", "none"…). */
  protection: string;
}

/** Turns a submission into scores; HCE grades hidden splits, self-reported reads the output. */
export interface Evaluator {
  readonly name: string;
  /** Called once per run before the first job. */
  prepare(run: {
    runId: string;
    competition: string | null;
    /** The competition, prepared in the run's set-up, when the registry makes them. */
    definition?: RunCompetition | null;
    config: RunConfig;
    runDir: string;
  }): Promise<TaskInfo>;
  evaluate(submission: Submission, ctx: EvaluationContext): Promise<Scores>;
}

export type AgentFactory = (config: RunConfig) => Agent;
export type EvaluatorFactory = (config: RunConfig) => Evaluator;

/** Thrown by sessions when the job is cancelled; the attempt ends as cancelled, not as a candidate. */
export class JobCancelledError extends Error {
  override name = 'JobCancelledError';
}

/** Thrown when the worker under a session is gone; the attempt is abandoned and the job re-run. */
export class WorkerLostError extends Error {
  override name = 'WorkerLostError';
}

/** The worker does not know an exec a session expected it to (it was never started, or its session is gone). */
export class ExecGoneError extends Error {
  override name = 'ExecGoneError';
}
