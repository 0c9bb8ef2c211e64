import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorMessage } from '@aira/core';
import type { ExecFinished } from '@aira/protocol';
import {
  ExecGoneError,
  JobCancelledError,
  type AgentContext,
  type Job,
  type Submission,
  type TaskInfo,
} from '../agent/types.js';
import type { EventBody, JournalEvent } from '../journal/events.js';
import { workerInfo, type PoolWorker } from '../pool/pool-worker.js';
import { WorkerSession } from '../session/worker-session.js';
import type { ArtifactStore } from '../state/artifacts.js';
import type { JobState, RunState } from '../state/run-state.js';
import type { Adoption } from './adoption.js';
import { AttemptLifecycle } from './attempt-state.js';
import type { Closings } from './closings.js';
import { isInfrastructureError } from './errors.js';
import { buildJob } from './job-view.js';
import type { RunLoopOptions } from './run-loop.js';
import type { SpareSessions } from './spares.js';

/** A journal failure ends the run by itself (the loop's journalFailed); callers that do not wait need not handle it. */
const noop = () => undefined;

/** One attempt of a job on one worker, as this process runs it. */
export interface LiveAttempt {
  job: JobState;
  n: number;
  worker: PoolWorker;
  controller: AbortController;
  lifecycle: AttemptLifecycle;
  sessionId: string;
  /** What protected hidden data in its session (the session's `protection`), for the evaluator. */
  protection: string;
  /** Settles when the attempt's own flow ended (also after it was abandoned). */
  done: Promise<void>;
  /** Settles when the session's last exec.started is on disk (see the execStarted hook). */
  execSynced?: Promise<void>;
}

/** A failed submission: the job ends as an invalid candidate that stays in the lineage. */
export function failedSubmission(failure: string): Submission {
  return { code: '', codePath: '', files: [], output: '', exitCode: -1, failure };
}

/** What the attempt runner needs from its run loop. */
export interface AttemptHost {
  readonly o: RunLoopOptions;
  state(): RunState;
  readonly artifacts: ArtifactStore;
  readonly spares: SpareSessions;
  readonly closings: Closings;
  task(): TaskInfo;
  emit(body: EventBody): Promise<JournalEvent>;
  /** Writes an event into the journal file now (throws when it cannot); `durable` resolves once on disk. */
  write(body: EventBody): { event: JournalEvent; durable: Promise<void> };
  /** Journals an event and drops a failed write: a journal failure has already ended the run. */
  note(body: EventBody): Promise<void>;
  contextFor(live: LiveAttempt): AgentContext;
  /** The agent returned (`job` null: no job view, the submission is a failure): evaluate, add the candidate. */
  submitted(
    live: LiveAttempt,
    job: Job | null,
    submission: Submission,
    startedAt: number,
    journaled: Promise<unknown>,
  ): void;
  releaseSlot(live: LiveAttempt): void;
  abandon(live: LiveAttempt, reason: string, lost: boolean): Promise<void>;
  /** An abandoned attempt whose flow has ended (it no longer runs in the background). */
  settled(live: LiveAttempt): void;
  ending(): boolean;
}

/** A new attempt of `job` on `worker` (or the adopted one), not yet started. */
export function newAttempt(runId: string, job: JobState, worker: PoolWorker, adopt?: Adoption): LiveAttempt {
  const n = adopt?.n ?? job.attempts.reduce((m, a) => Math.max(m, a.n), 0) + 1;
  return {
    job,
    n,
    worker,
    controller: new AbortController(),
    lifecycle: new AttemptLifecycle(`${job.spec.id} attempt ${n}`),
    sessionId: adopt?.sessionId ?? `${runId}.${job.spec.id}.a${n}-${randomBytes(3).toString('hex')}`,
    protection: 'unknown',
    done: Promise.resolve(),
  };
}

/** Journals an event of an attempt only while it counts; an abandoned one's becomes a fenced note. */
export async function emitFor(h: AttemptHost, live: LiveAttempt, body: EventBody): Promise<void> {
  if (live.lifecycle.counts) await h.emit(body);
  else await fence(h, live, body.type);
}

export async function fence(h: AttemptHost, live: LiveAttempt, what: string): Promise<void> {
  h.o.logger.info(
    { job: live.job.spec.id, attempt: live.n, what },
    'fenced a report from an abandoned attempt',
  );
  await h.note({ type: 'attempt.fenced', jobId: live.job.spec.id, attempt: live.n, what });
}

/**
 * Runs one attempt to its end: journals its start (or adoption), opens its session (a spare one,
 * the adopted one, or a new one), lets the agent work, and hands the submission to the loop. Any
 * error ends it as cancelled (a stop), abandoned (infrastructure: the job runs again) or as a
 * failed candidate (the agent's own failure). Never rejects.
 */
export async function runAttempt(h: AttemptHost, live: LiveAttempt, adopt?: Adoption): Promise<void> {
  const { job, n, worker } = live;
  const jobId = job.spec.id;
  const o = h.o;
  let session: WorkerSession | undefined;
  const startedAt = adopt?.startedAt ?? Date.now();
  const closeSession = (s: WorkerSession) =>
    h.closings.add(s.close(), { job: jobId, attempt: n, worker: worker.id, session: s.id });
  try {
    if (adopt)
      await h.emit({
        type: 'attempt.adopted',
        jobId,
        attempt: n,
        workerId: worker.id,
        sessionId: adopt.sessionId,
        ...(adopt.running ? { execId: adopt.running.execId } : {}),
      });
    // Not awaited: the line is in the file at once and the sync runs behind (the writer keeps
    // order). A failed write ends the run by itself.
    else void h.emit({ type: 'attempt.started', jobId, attempt: n, workerId: worker.id }).catch(noop);
    const task = h.task();
    // The same in every job's session: a spare receives them when it opens (docs/dispatch.md).
    const commonFiles = [...(task.files ?? []), ...(o.agent.sessionFiles ?? [])];
    let filesPut = false;
    const sessionOptions = {
      perExecMs: o.config.budget.perExec,
      callDeadlineMs: o.config.workers.callDeadline,
      cancelWaitMs: Math.min(10_000, o.config.workers.callDeadline),
      signal: live.controller.signal,
      logger: o.logger,
      hooks: {
        logPath: (execId: string) => join(o.runDir, 'jobs', jobId, `a${n}`, `${execId}.log`),
        // The Exec is sent once its exec.started is in the journal file (a coordinator that dies
        // after sending leaves it there), not after the disk sync: only a crash of the machine can
        // lose it, and at most the session's last one, since each exec waits for the sync of the
        // one before; an adopted session skips that number (docs/dispatch.md).
        execStarted: async (x: { execId: string; kind: 'bash' | 'python'; label: string; log: string }) => {
          await live.execSynced;
          const body: EventBody = {
            type: 'exec.started',
            jobId,
            attempt: n,
            workerId: worker.id,
            sessionId: live.sessionId,
            execId: x.execId,
            kind: x.kind,
            label: x.label,
            log: relative(o.runDir, x.log),
          };
          if (!live.lifecycle.counts) return fence(h, live, body.type);
          live.execSynced = h.write(body).durable.catch(noop);
        },
        // The next job's session opens on this worker while this one's exec runs, not on its clock.
        execRunning: () => {
          h.closings.release(worker.id);
          if (!h.ending()) h.spares.open(worker, task.dataPath, commonFiles);
        },
        execFinished: async (x: { execId: string; finished: ExecFinished; startedAt: number }) => {
          const f = x.finished;
          await emitFor(h, live, {
            type: 'exec.finished',
            jobId,
            attempt: n,
            execId: x.execId,
            exitCode: f.exitCode,
            signal: f.signal,
            durationMs: f.durationMs,
            reason: f.reason,
            startedAt: x.startedAt,
          });
        },
      },
    };
    if (adopt) {
      const d = adopt.dirs ?? { data: '', work: '', submission: '' };
      session = WorkerSession.fromOpened(
        worker,
        {
          sessionId: adopt.sessionId,
          dataDir: d.data,
          workDir: d.work,
          submissionDir: d.submission,
          // The worker's sandbox serves every session it opens.
          protection: workerInfo(worker).sandbox ?? 'none',
        },
        sessionOptions,
        // One number past the journal's: an exec sent under a line a machine crash lost had it.
        adopt.execsBefore + 1,
      );
    } else {
      // A session opened ahead on this worker saves the job the time a session takes to start.
      const spare = await h.spares.take(worker);
      if (spare) {
        live.sessionId = spare.opened.sessionId;
        filesPut = spare.filesPut;
        session = WorkerSession.fromOpened(worker, spare.opened, sessionOptions);
      } else {
        session = await WorkerSession.open(worker, {
          ...sessionOptions,
          sessionId: live.sessionId,
          labels: {
            'aira.study': o.studyId,
            'aira.run': o.runId,
            'aira.job': jobId,
            'aira.attempt': String(n),
          },
          dataPath: task.dataPath,
        });
      }
    }
    live.protection = session.protection;
    if (live.lifecycle.counts) live.lifecycle.to('running');
    const jobView = buildJob(h.state(), h.artifacts, job.spec, o.runId, n, task);
    let submission: Submission;
    if (adopt) submission = await o.agent.resumeJob!(jobView, session, h.contextFor(live), adopt.running);
    else {
      void emitFor(h, live, {
        type: 'session.opened',
        jobId,
        attempt: n,
        workerId: worker.id,
        sessionId: session.id,
        dirs: session.dirs,
      }).catch(noop);
      if (!filesPut && commonFiles.length) await session.putFiles(commonFiles);
      submission = await o.agent.runJob(jobView, session, h.contextFor(live));
    }
    if (!live.lifecycle.counts) {
      closeSession(session);
      h.settled(live);
      return void (await fence(h, live, 'submission'));
    }
    if (live.controller.signal.aborted) throw new JobCancelledError(String(live.controller.signal.reason));
    // The slot is free from here; the next job's own events are written after this one (a
    // machine crash that loses this line makes a resume run the job again, never lose it).
    const journaled = h.emit({ type: 'attempt.submitted', jobId, attempt: n, workerId: worker.id });
    live.lifecycle.to('submitted');
    const done = session;
    h.closings.hold(worker.id, () => done.close(), {
      job: jobId,
      attempt: n,
      worker: worker.id,
      session: done.id,
    });
    h.submitted(live, jobView, submission, startedAt, journaled);
    h.releaseSlot(live);
  } catch (err) {
    if (session) closeSession(session);
    await ended(h, live, err, startedAt);
  }
}

/** How an attempt that threw ends: fenced, cancelled, abandoned, or a failed candidate. */
async function ended(h: AttemptHost, live: LiveAttempt, err: unknown, startedAt: number): Promise<void> {
  const { job, n, worker } = live;
  const jobId = job.spec.id;
  const o = h.o;
  if (!live.lifecycle.counts) {
    // Abandoned meanwhile; once the run ends its flow is cut short on purpose, nothing to note.
    if (!live.controller.signal.aborted) await fence(h, live, `error: ${errorMessage(err)}`);
    h.settled(live);
    return;
  }
  if (live.controller.signal.aborted || err instanceof JobCancelledError) {
    // Cancelled from here on: a worker lost meanwhile no longer abandons it.
    live.lifecycle.to('cancelled');
    await h.note({
      type: 'attempt.cancelled',
      jobId,
      attempt: n,
      reason: String(live.controller.signal.reason ?? errorMessage(err)),
    });
    h.releaseSlot(live);
    return;
  }
  if (isInfrastructureError(err)) {
    o.logger.warn({ job: jobId, attempt: n, worker: worker.id, err: errorMessage(err) }, 'attempt abandoned');
    // The worker takes no job until a probe gets an answer again (else a dead daemon that is
    // not yet past its lease would swallow job after job).
    const gone = err instanceof ExecGoneError; // the worker answers; only the exec is not there
    const abandoned = h.abandon(live, `infrastructure: ${errorMessage(err)}`, !gone);
    if (!gone) o.pool.markLost(worker, `call failed: ${errorMessage(err)}`);
    await abandoned;
    return;
  }
  // The agent itself failed: the job ends as an invalid candidate (it stays in the lineage).
  o.logger.warn({ job: jobId, attempt: n, err: errorMessage(err) }, 'agent failed');
  const journaled = h.emit({ type: 'attempt.submitted', jobId, attempt: n, workerId: worker.id });
  live.lifecycle.to('submitted');
  h.submitted(live, null, failedSubmission(`agent error: ${errorMessage(err)}`), startedAt, journaled);
  h.releaseSlot(live);
}
