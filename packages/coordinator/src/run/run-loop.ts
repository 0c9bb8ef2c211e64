import { performance } from 'node:perf_hooks';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorMessage, type Logger } from '@aira/core';
import {
  ExecGoneError,
  JobCancelledError,
  type Agent,
  type AgentContext,
  type Evaluator,
  type Job,
  type RunningExec,
  type Submission,
  type TaskInfo,
} from '../agent/types.js';
import type { ResolvedSearch, RunConfig } from '../config/schema.js';
import type { EventBody, JournalEvent } from '../journal/events.js';
import { JournalWriter } from '../journal/writer.js';
import type { WorkerPool } from '../pool/pool.js';
import { listSessions } from '../pool/sessions.js';
import { workerInfo, type PoolWorker } from '../pool/pool-worker.js';
import { createPolicy, type SearchPolicy } from '../search/policy.js';
import { jobSeed, rngFor } from '../search/rng.js';
import { WorkerSession, openSessionRpc, warmUp } from '../session/worker-session.js';
import type { ExecFinished, OpenSessionResponse } from '@aira/protocol';
import { ArtifactStore } from '../state/artifacts.js';
import { finalPick, type FinalPick } from '../state/final-pick.js';
import { StudySpend } from './spend-guard.js';
import {
  applyEvent,
  isResumableEnd,
  replay,
  unfinishedJobs,
  type JobState,
  type RunState,
} from '../state/run-state.js';
import type { CandidateRecord, JobSpec, Scores } from '../state/types.js';
import { isInfrastructureError } from './errors.js';
import { buildJob } from './job-view.js';

export type EndReason = Extract<EventBody, { type: 'run.ended' }>['reason'];

export interface RunLoopOptions {
  studyId: string;
  runId: string;
  runDir: string;
  seed: number;
  competition: string | null;
  config: RunConfig;
  search: ResolvedSearch;
  pool: WorkerPool;
  agent: Agent;
  evaluator: Evaluator;
  logger: Logger;
  /** Aborted when the study is asked to stop (`aira stop`, SIGTERM). */
  stop: AbortSignal;
  /** Every event, as it is written (progress display, tests). */
  onEvent?: (event: JournalEvent) => void;
  /** Interval of `tick` events that bound how much active time a crash can lose. */
  tickMs?: number;
  /** Abandonments by lost workers after which a job is recorded as a failed candidate. */
  maxAttempts?: number;
  /** The study's spending (study-wide cap, hourly limit), shared by its runs; default: this run's alone. */
  spend?: StudySpend;
  /** `aira run --resume`: a run that was stopped (not one that ended by budget) goes on. */
  resume?: boolean;
}

export interface RunResult {
  runId: string;
  reason: EndReason;
  finalPick: FinalPick | null;
  candidates: number;
  jobs: number;
  fenced: number;
}

/** One attempt of a job on one worker, as this process runs it. */
interface LiveAttempt {
  job: JobState;
  n: number;
  worker: PoolWorker;
  controller: AbortController;
  /** False once abandoned (worker lost): whatever it reports from then on is fenced. */
  current: boolean;
  submitted: boolean;
  sessionId: string;
  done: Promise<void>;
}

/** What a resumed coordinator needs to take over an attempt of its predecessor. */
interface Adoption {
  n: number;
  workerId: string;
  sessionId: string;
  dirs?: { data: string; work: string; submission: string };
  startedAt: number;
  running: RunningExec | null;
  /** The highest exec number the session's execs had (new ones continue after it). */
  execsBefore: number;
}

const pad = (n: number) => String(n).padStart(4, '0');

/**
 * The steady-state scheduler of one run (docs/paper.md §Search): whenever a worker slot frees, the
 * policy proposes the next job at once; there is no generation and no barrier. Every state change
 * is journaled before it is acted on, and the same fold (`applyEvent`) that rebuilds the state on
 * resume keeps it here.
 */
export class RunLoop {
  state!: RunState;
  readonly artifacts: ArtifactStore;
  private journal!: JournalWriter;
  private policy: SearchPolicy;
  private activeBase = 0;
  private activeSince = performance.now();
  private readonly live = new Map<string, LiveAttempt>();
  private readonly zombies = new Set<LiveAttempt>();
  private readonly pending: string[] = [];
  private readonly evaluations = new Set<Promise<void>>();
  private ending: EndReason | null = null;
  private finished!: Promise<RunResult>;
  private resolveFinished!: (r: RunResult) => void;
  private task!: TaskInfo;
  private timers: NodeJS.Timeout[] = [];
  private detach: Array<() => void> = [];
  private readonly abandonedByLoss = new Map<string, number>();
  private readonly closing = new Set<Promise<unknown>>();
  /** Attempts in flight when the previous coordinator died whose exec the agent can follow to its end. */
  private readonly adoptable = new Map<string, Adoption>();
  private readonly spares = new Map<
    string,
    { sessionId: string; opened: Promise<OpenSessionResponse | null> }
  >();

  private readonly spend: StudySpend;

  private constructor(private readonly o: RunLoopOptions) {
    this.spend = o.spend ?? new StudySpend(o.config.budget);
    this.artifacts = new ArtifactStore(join(o.runDir, 'artifacts'));
    this.policy = createPolicy(o.search);
    this.finished = new Promise((r) => (this.resolveFinished = r));
  }

  /**
   * Opens the run's journal. A new run journals `run.started`; a run found in the journal is
   * resumed: attempts that were in flight when the previous coordinator died are abandoned and
   * their jobs queued again from their parents.
   */
  static async open(o: RunLoopOptions): Promise<RunLoop> {
    const loop = new RunLoop(o);
    const { writer, events } = await JournalWriter.open(join(o.runDir, 'journal.jsonl'), () =>
      loop.activeMs(),
    );
    loop.journal = writer;
    loop.state = replay(events);
    loop.activeBase = loop.state.activeMs;
    loop.activeSince = performance.now();
    if (!o.spend) for (const e of events) if (e.type === 'cost') loop.spend.add(e.t, e.usd);
    // A run that ended on its cost cap goes on once the cap was raised.
    if (loop.state.ended?.reason === 'cost' && !loop.costCapReached()) {
      await loop.emit({ type: 'run.reopened', reason: 'the cost cap was raised' });
    }
    // A resumed run keeps the search parameters it started with, not those of today's pool.
    if (events.length > 0 && loop.state.policy)
      loop.policy = createPolicy({ ...o.search, ...(loop.state.search as Partial<ResolvedSearch>) });
    if (events.length === 0) {
      await loop.emit({
        type: 'run.started',
        studyId: o.studyId,
        runId: o.runId,
        seed: o.seed,
        competition: o.competition,
        policy: o.search.policy,
        search: { ...o.search },
        direction: o.config.direction,
      });
    } else if (!loop.state.ended || (o.resume && isResumableEnd(loop.state.ended.reason))) {
      await loop.emit({ type: 'run.resumed', pid: process.pid });
      for (const job of unfinishedJobs(loop.state).sort((a, b) => a.spec.index - b.spec.index)) {
        const adopt = loop.adoptable0(job);
        for (const a of job.attempts) {
          if (a.n === adopt?.n) continue;
          if (a.status === 'running' || a.status === 'submitted') {
            await loop.emit({
              type: 'attempt.abandoned',
              jobId: job.spec.id,
              attempt: a.n,
              reason: 'coordinator restarted',
            });
          }
        }
        if (adopt) loop.adoptable.set(job.spec.id, adopt);
        else loop.pending.push(job.spec.id);
      }
    }
    return loop;
  }

  /** The job's last attempt, when it can be taken over: at most one exec still open and an agent that can resume it. */
  private adoptable0(job: JobState): Adoption | undefined {
    const a = job.attempts[job.attempts.length - 1];
    if (!a || a.status !== 'running' || !a.sessionId || !this.o.agent.canResume || !this.o.agent.resumeJob)
      return undefined;
    const open = [...a.execs.entries()].filter(([, x]) => !x.finished);
    if (open.length > 1) return undefined;
    const running = open.length === 1 ? { execId: open[0]![0], label: open[0]![1].label } : null;
    if (!this.o.agent.canResume(running)) return undefined;
    const prefix = `${a.sessionId}.x`;
    const execsBefore = Math.max(
      0,
      ...[...a.execs.keys()].map((id) => (id.startsWith(prefix) ? Number(id.slice(prefix.length)) || 0 : 0)),
    );
    return {
      n: a.n,
      workerId: a.workerId,
      sessionId: a.sessionId,
      dirs: a.dirs,
      startedAt: a.startedAt,
      running,
      execsBefore,
    };
  }

  get ended(): boolean {
    return this.state.ended !== null;
  }

  activeMs(): number {
    return this.activeBase + (performance.now() - this.activeSince);
  }

  /** Runs until the budget, max jobs, cost cap or a stop ends it; then cancels what runs and picks. */
  async run(): Promise<RunResult> {
    if (this.state.ended) return this.result(this.state.ended.reason);
    const o = this.o;
    this.task = await o.evaluator.prepare({
      runId: o.runId,
      competition: o.competition,
      config: o.config,
      runDir: o.runDir,
    });
    this.state.direction = this.task.direction;
    for (const w of o.pool.list())
      if (w.state === 'idle' || w.state === 'busy')
        await this.emit({ type: 'worker.joined', workerId: w.id, info: workerInfo(w) });
    const on = <E extends 'joined' | 'lost' | 'recovered' | 'idle'>(ev: E, fn: (...a: never[]) => void) => {
      o.pool.on(ev, fn as never);
      this.detach.push(() => o.pool.off(ev, fn as never));
    };
    on(
      'joined',
      (w: PoolWorker) =>
        void this.emit({
          type: 'worker.joined',
          workerId: w.id,
          info: workerInfo(w),
          ...(w.replaces ? { replaces: w.replaces } : {}),
        }).catch(() => undefined),
    );
    on('lost', (w: PoolWorker, reason: string) => void this.onWorkerLost(w, reason));
    on(
      'recovered',
      (w: PoolWorker) => void this.emit({ type: 'worker.recovered', workerId: w.id }).catch(() => undefined),
    );
    on('idle', () => this.pump());
    const stopListener = () => this.end('stopped');
    o.stop.addEventListener('abort', stopListener);
    this.detach.push(() => o.stop.removeEventListener('abort', stopListener));
    const tick = setInterval(
      () => void this.emit({ type: 'tick' }).catch(() => undefined),
      o.tickMs ?? 10_000,
    );
    this.timers.push(tick);
    const remaining = o.config.budget.wallClock - this.activeMs();
    this.timers.push(setTimeout(() => this.end('budget'), Math.max(0, Math.min(remaining, 2 ** 31 - 1))));
    if (o.stop.aborted) this.end('stopped');
    await this.adoptAll();
    this.pump();
    this.checkDone();
    return this.finished;
  }

  /** Sessions a worker may keep: those of this run's live attempts (zombies' are cancelled, not closed). */
  liveSessionIds(): Set<string> {
    return new Set([
      ...[...this.live.values()].map((l) => l.sessionId),
      ...[...this.spares.values()].map((s) => s.sessionId),
      ...[...this.adoptable.values()].map((a) => a.sessionId),
    ]);
  }

  /** Called by the pool before a worker (new or back from lost) takes work. */
  async reconcile(w: PoolWorker): Promise<void> {
    const sessions = await listSessions(w.conn, this.o.config.workers.callDeadline);
    for (const s of sessions) {
      if (s.labels['aira.study'] !== this.o.studyId) continue;
      if (this.liveSessionIds().has(s.sessionId)) continue;
      const zombie = [...this.zombies].find((z) => z.sessionId === s.sessionId);
      if (zombie) {
        // Its report will arrive and be fenced; cancelling frees the worker's GPU now.
        for (const execId of s.runningExecIds)
          await w.conn.unary('cancel', { execId, reason: 'attempt abandoned' }).catch(() => undefined);
        continue;
      }
      await w.conn
        .unary('closeSession', { sessionId: s.sessionId, keepWorkspace: false })
        .catch(() => undefined);
    }
  }

  /** Takes over the attempts whose exec is still on a worker that is back; the others are re-run. */
  private async adoptAll(): Promise<void> {
    for (const [jobId, a] of [...this.adoptable]) {
      this.adoptable.delete(jobId);
      const job = this.state.jobs.get(jobId)!;
      const w = this.o.pool.get(a.workerId);
      if (!this.ending && w && this.o.pool.acquireWorker(w)) {
        this.startAttempt(job, w, a);
        continue;
      }
      await this.emit({
        type: 'attempt.abandoned',
        jobId,
        attempt: a.n,
        reason: 'coordinator restarted (its worker is not back)',
      }).catch(() => undefined);
      this.pending.push(jobId);
      this.pending.sort((x, y) => this.state.jobs.get(x)!.spec.index - this.state.jobs.get(y)!.spec.index);
    }
  }

  // ---- scheduling -------------------------------------------------------------------------------

  /** Fills every free slot at once: re-runs first, then new proposals. */
  private pump(): void {
    while (!this.ending && !this.state.ended) {
      const jobId = this.pending[0];
      if (jobId === undefined && !this.canPropose()) break;
      const w = this.o.pool.acquire();
      if (!w) break;
      let job: JobState;
      if (jobId !== undefined) {
        this.pending.shift();
        job = this.state.jobs.get(jobId)!;
      } else {
        try {
          job = this.propose();
        } catch (err) {
          // A policy that cannot propose is a bug; end the run cleanly rather than hold the worker.
          this.o.logger.error({ err: errorMessage(err) }, 'the search policy failed');
          this.o.pool.release(w);
          this.end('error');
          return;
        }
      }
      this.startAttempt(job, w);
    }
    this.checkDone();
  }

  private canPropose(): boolean {
    const { maxJobs } = this.o.config.budget;
    if (maxJobs !== undefined && this.state.jobs.size >= maxJobs) return false;
    return !this.costCapReached();
  }

  /** The run's own cost cap or the study's. */
  private costCapReached(): boolean {
    const { costUsd } = this.o.config.budget;
    return (costUsd !== undefined && this.state.costUsd >= costUsd) || this.spend.capReached();
  }

  private propose(): JobState {
    const index = this.state.jobs.size + 1;
    const jobs = [...this.state.jobs.values()];
    const proposal = this.policy.propose(
      {
        direction: this.state.direction,
        candidates: [...this.state.candidates.values()],
        jobs: jobs.map((j) => j.spec),
        inFlight: jobs.filter((j) => j.status === 'pending' || j.status === 'running').map((j) => j.spec),
      },
      rngFor(this.o.seed, 'propose', index),
    );
    const spec: JobSpec = { id: `j${pad(index)}`, index, seed: jobSeed(this.o.seed, index), ...proposal };
    void this.emit({ type: 'job.created', job: spec }).catch(() => undefined);
    return this.state.jobs.get(spec.id)!;
  }

  private startAttempt(job: JobState, worker: PoolWorker, adopt?: Adoption): void {
    const n = adopt?.n ?? job.attempts.reduce((m, a) => Math.max(m, a.n), 0) + 1;
    const live: LiveAttempt = {
      job,
      n,
      worker,
      controller: new AbortController(),
      current: true,
      submitted: false,
      sessionId: adopt?.sessionId ?? `${this.o.runId}.${job.spec.id}.a${n}-${randomBytes(3).toString('hex')}`,
      done: Promise.resolve(),
    };
    this.live.set(job.spec.id, live);
    live.done = this.runAttempt(live, adopt).catch((err: unknown) => {
      this.o.logger.error({ err, job: job.spec.id }, 'attempt failed unexpectedly');
    });
  }

  private async runAttempt(live: LiveAttempt, adopt?: Adoption): Promise<void> {
    const { job, n, worker } = live;
    const jobId = job.spec.id;
    const o = this.o;
    let session: WorkerSession | undefined;
    const startedAt = adopt?.startedAt ?? Date.now();
    try {
      if (adopt)
        await this.emit({
          type: 'attempt.adopted',
          jobId,
          attempt: n,
          workerId: worker.id,
          sessionId: adopt.sessionId,
          ...(adopt.running ? { execId: adopt.running.execId } : {}),
        });
      else await this.emit({ type: 'attempt.started', jobId, attempt: n, workerId: worker.id });
      const sessionOptions = {
        perExecMs: o.config.budget.perExec,
        callDeadlineMs: o.config.workers.callDeadline,
        cancelWaitMs: Math.min(10_000, o.config.workers.callDeadline),
        signal: live.controller.signal,
        logger: o.logger,
        hooks: {
          logPath: (execId: string) => join(o.runDir, 'jobs', jobId, `a${n}`, `${execId}.log`),
          execStarted: async (x: { execId: string; kind: 'bash' | 'python'; label: string; log: string }) => {
            await this.emitFor(live, {
              type: 'exec.started',
              jobId,
              attempt: n,
              workerId: worker.id,
              sessionId: live.sessionId,
              execId: x.execId,
              kind: x.kind,
              label: x.label,
              log: relative(o.runDir, x.log),
            });
          },
          execFinished: async (x: { execId: string; finished: ExecFinished; startedAt: number }) => {
            const f = x.finished;
            await this.emitFor(live, {
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
      // A session opened ahead on this worker saves the job the time a session takes to start.
      const spare = adopt ? undefined : await this.takeSpare(worker);
      if (adopt) {
        const d = adopt.dirs ?? { data: '', work: '', submission: '' };
        session = WorkerSession.fromOpened(
          worker,
          {
            sessionId: adopt.sessionId,
            dataDir: d.data,
            workDir: d.work,
            submissionDir: d.submission,
            protection: '',
          },
          sessionOptions,
          adopt.execsBefore,
        );
      } else if (spare) {
        live.sessionId = spare.sessionId;
        session = WorkerSession.fromOpened(worker, spare, sessionOptions);
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
          dataPath: this.task.dataPath,
        });
      }
      this.openSpare(worker);
      const jobView = buildJob(this.state, this.artifacts, job.spec, o.runId, n, this.task);
      let submission: Submission;
      if (adopt)
        submission = await o.agent.resumeJob!(jobView, session, this.contextFor(live), adopt.running);
      else {
        await this.emitFor(live, {
          type: 'session.opened',
          jobId,
          attempt: n,
          workerId: worker.id,
          sessionId: session.id,
          dirs: session.dirs,
        });
        if (this.task.files?.length) await session.putFiles(this.task.files);
        submission = await o.agent.runJob(jobView, session, this.contextFor(live));
      }
      if (!live.current) {
        this.closeLater(session.close());
        this.zombies.delete(live);
        return void (await this.fence(live, 'submission'));
      }
      if (live.controller.signal.aborted) throw new JobCancelledError(String(live.controller.signal.reason));
      // The slot is free from here; the next job's own events are journaled after this one, so
      // acting on them (opening its session) already waits for this one to be on disk.
      const submitted = this.emit({ type: 'attempt.submitted', jobId, attempt: n, workerId: worker.id });
      live.submitted = true;
      this.closeLater(session.close());
      const submittedAt = Date.now();
      this.track(submitted.then(() => this.addCandidate(live, jobView, submission, startedAt, submittedAt)));
      this.releaseSlot(live);
    } catch (err) {
      if (session) this.closeLater(session.close());
      if (!live.current) {
        if (!live.controller.signal.aborted) await this.fence(live, `error: ${errorMessage(err)}`);
        this.zombies.delete(live);
        return;
      }
      if (live.controller.signal.aborted || err instanceof JobCancelledError) {
        await this.emit({
          type: 'attempt.cancelled',
          jobId,
          attempt: n,
          reason: String(live.controller.signal.reason ?? errorMessage(err)),
        }).catch(() => undefined);
        this.releaseSlot(live);
        return;
      }
      if (isInfrastructureError(err)) {
        o.logger.warn(
          { job: jobId, attempt: n, worker: worker.id, err: errorMessage(err) },
          'attempt abandoned',
        );
        // The worker takes no job until a probe gets an answer again (else a dead daemon that is
        // not yet past its lease would swallow job after job).
        const gone = err instanceof ExecGoneError; // the worker answers; only the exec is not there
        const abandoned = this.abandon(live, `infrastructure: ${errorMessage(err)}`, !gone);
        if (!gone) o.pool.markLost(worker, `call failed: ${errorMessage(err)}`);
        await abandoned;
        return;
      }
      // The agent itself failed: the job ends as an invalid candidate (it stays in the lineage).
      o.logger.warn({ job: jobId, attempt: n, err: errorMessage(err) }, 'agent failed');
      const submitted = this.emit({ type: 'attempt.submitted', jobId, attempt: n, workerId: worker.id });
      live.submitted = true;
      const failed: Submission = {
        code: '',
        codePath: '',
        files: [],
        output: '',
        exitCode: -1,
        failure: `agent error: ${errorMessage(err)}`,
      };
      const submittedAt = Date.now();
      this.track(submitted.then(() => this.addCandidate(live, null, failed, startedAt, submittedAt)));
      this.releaseSlot(live);
    }
  }

  private contextFor(live: LiveAttempt): AgentContext {
    const o = this.o;
    return {
      config: o.config,
      log: o.logger.child({ job: live.job.spec.id, attempt: live.n }),
      signal: live.controller.signal,
      record: async (step) => {
        await this.emitFor(live, { type: 'step', jobId: live.job.spec.id, attempt: live.n, step });
      },
      reportCost: async (usd, detail) => {
        await this.emit({ type: 'cost', jobId: live.job.spec.id, attempt: live.n, usd, detail });
        this.checkDone();
      },
      costCapReached: () => this.costCapReached(),
      spendWaitMs: () => this.spend.waitMs(),
      remainingMs: () => Math.max(0, o.config.budget.wallClock - this.activeMs()),
      runDir: o.runDir,
    };
  }

  /** Journals an event of an attempt only while it is current; a stale one becomes a fenced note. */
  private async emitFor(live: LiveAttempt, body: EventBody): Promise<void> {
    if (live.current) await this.emit(body);
    else await this.fence(live, body.type);
  }

  private async fence(live: LiveAttempt, what: string): Promise<void> {
    this.o.logger.info(
      { job: live.job.spec.id, attempt: live.n, what },
      'fenced a report from an abandoned attempt',
    );
    await this.emit({ type: 'attempt.fenced', jobId: live.job.spec.id, attempt: live.n, what }).catch(
      () => undefined,
    );
  }

  private releaseSlot(live: LiveAttempt): void {
    if (this.live.get(live.job.spec.id) === live) this.live.delete(live.job.spec.id);
    this.o.pool.release(live.worker);
    this.pump();
  }

  /** Ends an attempt that cannot finish; its job goes back to the front of the queue. */
  private async abandon(live: LiveAttempt, reason: string, lost = false): Promise<void> {
    const jobId = live.job.spec.id;
    live.current = false;
    if (this.live.get(jobId) === live) this.live.delete(jobId);
    await this.emit({ type: 'attempt.abandoned', jobId, attempt: live.n, reason }).catch(() => undefined);
    const count = (this.abandonedByLoss.get(jobId) ?? 0) + 1;
    this.abandonedByLoss.set(jobId, count);
    if (count >= (this.o.maxAttempts ?? 3)) {
      // A job that keeps taking workers down is recorded as failed rather than retried for ever.
      const failed: Submission = {
        code: '',
        codePath: '',
        files: [],
        output: '',
        exitCode: -1,
        failure: `abandoned ${count} times; last: ${reason}`,
      };
      this.track(this.addCandidate({ ...live, current: true }, null, failed, Date.now(), Date.now()));
    } else if (!this.ending) this.pending.unshift(jobId);
    if (!lost) this.o.pool.release(live.worker);
    this.pump();
  }

  private async onWorkerLost(w: PoolWorker, reason: string): Promise<void> {
    this.dropSpare(w, false); // unreachable now; reconciling closes it if the worker comes back
    await this.emit({ type: 'worker.lost', workerId: w.id, reason }).catch(() => undefined);
    for (const live of [...this.live.values()]) {
      if (live.worker !== w || live.submitted || !live.current) continue;
      // The attempt keeps running in the background: a late report is fenced, not lost silently.
      this.zombies.add(live);
      await this.abandon(live, `worker ${w.id} lost: ${reason}`, true);
    }
  }

  /** Opens the next job's session on a worker while its current job runs (one spare per worker). */
  private openSpare(w: PoolWorker): void {
    if (this.ending || this.spares.has(w.id)) return;
    const sessionId = `${this.o.runId}.spare-${randomBytes(4).toString('hex')}`;
    const opened = openSessionRpc(w, {
      sessionId,
      labels: { 'aira.study': this.o.studyId, 'aira.run': this.o.runId, 'aira.spare': 'yes' },
      dataPath: this.task.dataPath,
      callDeadlineMs: this.o.config.workers.callDeadline,
    })
      .then(async (res) => {
        // Workers start a session's shell on its first exec: start it now, off the next job's clock.
        await warmUp(w, res.sessionId).catch(() => undefined);
        return res;
      })
      .catch(() => null);
    this.spares.set(w.id, { sessionId, opened });
  }

  /** The worker's spare session when it opened fine, else undefined (the job opens its own). */
  private async takeSpare(w: PoolWorker): Promise<OpenSessionResponse | undefined> {
    const spare = this.spares.get(w.id);
    if (!spare) return undefined;
    this.spares.delete(w.id);
    return (await spare.opened) ?? undefined;
  }

  /** Session closes still under way; the run's end waits for them (bounded) so nothing is left behind. */
  private closeLater(p: Promise<unknown>): void {
    const t = p.catch(() => undefined).finally(() => this.closing.delete(t));
    this.closing.add(t);
  }

  private dropSpare(w: PoolWorker, close: boolean): void {
    const spare = this.spares.get(w.id);
    if (!spare) return;
    this.spares.delete(w.id);
    if (close)
      this.closeLater(
        spare.opened.then(
          (res) =>
            res &&
            w.conn
              .unary('closeSession', { sessionId: res.sessionId, keepWorkspace: false })
              .catch(() => undefined),
        ),
      );
  }

  // ---- candidates -------------------------------------------------------------------------------

  private track(p: Promise<void>): void {
    const t = p
      .catch((err: unknown) => this.o.logger.error({ err }, 'adding a candidate failed'))
      .finally(() => {
        this.evaluations.delete(t);
        this.checkDone();
      });
    this.evaluations.add(t);
  }

  private async addCandidate(
    live: LiveAttempt,
    job: Job | null,
    submission: Submission,
    startedAt: number,
    submittedAt: number,
  ): Promise<void> {
    let scores: Scores;
    if (submission.failure && !job) scores = { valid: false, search: null, reason: submission.failure };
    else {
      try {
        scores = await this.o.evaluator.evaluate(submission, {
          job: job!,
          runDir: this.o.runDir,
          signal: live.controller.signal,
        });
      } catch (err) {
        scores = { valid: false, search: null, reason: `evaluation failed: ${errorMessage(err)}` };
      }
    }
    const code = await this.artifacts.put(Buffer.from(submission.code));
    const output = await this.artifacts.put(Buffer.from(submission.output));
    const artifacts: Record<string, CandidateRecord['code']> = {};
    for (const f of submission.files) artifacts[f.path] = await this.artifacts.put(f.data);
    const spec = live.job.spec;
    const candidate: CandidateRecord = {
      id: `c${pad(spec.index)}`,
      jobId: spec.id,
      operator: spec.operator,
      parents: spec.parents,
      attempt: live.n,
      workerId: live.worker.id,
      debugDepth: spec.debugDepth,
      code,
      artifacts,
      output,
      scores,
      timings: { startedAt, submittedAt, evaluatedAt: Date.now(), activeMs: Math.round(this.activeMs()) },
      summary: submission.summary,
    };
    if (this.state.jobs.get(spec.id)?.status === 'done') return; // never twice
    await this.emit({ type: 'candidate.added', candidate });
  }

  // ---- ending -----------------------------------------------------------------------------------

  /** Ends the run when nothing more can happen (max jobs done, cost cap with nothing running). */
  private checkDone(): void {
    if (this.ending || this.state.ended) return;
    if (this.activeMs() >= this.o.config.budget.wallClock) return this.end('budget');
    if (this.o.stop.aborted) return this.end('stopped');
    const idle = this.live.size === 0 && this.pending.length === 0 && this.evaluations.size === 0;
    if (!idle) return;
    const { maxJobs } = this.o.config.budget;
    if (maxJobs !== undefined && this.state.jobs.size >= maxJobs) return this.end('max-jobs');
    if (this.costCapReached()) return this.end('cost');
  }

  private end(reason: EndReason): void {
    if (this.ending || this.state.ended) return;
    this.ending = reason;
    void this.finish(reason);
  }

  private async finish(reason: EndReason): Promise<void> {
    const o = this.o;
    o.logger.info({ reason }, 'run ending');
    for (const live of [...this.live.values(), ...this.zombies])
      live.controller.abort(reason === 'budget' ? 'budget exhausted' : `run ended (${reason})`);
    const settle = Promise.all([...this.live.values(), ...this.zombies].map((l) => l.done));
    await Promise.race([
      settle,
      new Promise((r) => setTimeout(r, o.config.workers.callDeadline + 15_000).unref()),
    ]);
    while (this.evaluations.size > 0) await Promise.all([...this.evaluations]);
    for (const t of this.timers) clearInterval(t);
    for (const d of this.detach) d();
    for (const w of this.o.pool.list()) this.dropSpare(w, true);
    await Promise.race([
      Promise.all([...this.closing]),
      new Promise((r) => setTimeout(r, o.config.workers.callDeadline).unref()),
    ]);
    const pick = finalPick(this.state.candidates.values(), this.state.direction);
    let message: string | undefined;
    try {
      await this.emit({ type: 'run.ended', reason, finalPick: pick });
    } catch (err) {
      message = errorMessage(err);
    }
    await this.journal.close().catch(() => undefined);
    if (message) o.logger.error({ err: message }, 'could not journal the end of the run');
    this.resolveFinished(this.result(reason));
  }

  private result(reason: EndReason): RunResult {
    return {
      runId: this.o.runId,
      reason,
      finalPick:
        this.state.ended?.finalPick ?? finalPick(this.state.candidates.values(), this.state.direction),
      candidates: this.state.candidates.size,
      jobs: this.state.jobs.size,
      fenced: this.state.fenced,
    };
  }

  /**
   * Journals an event from outside the loop (the study's Slurm jobs); false once the run is ending,
   * so the caller can keep it for the next run.
   */
  record(body: EventBody): boolean {
    if (this.ending || this.state.ended) return false;
    this.emit(body).catch(() => undefined);
    return true;
  }

  /** Writes an event, folds it into the state at once, and resolves when it is on disk. */
  private emit(body: EventBody): Promise<JournalEvent> {
    let written: ReturnType<JournalWriter['write']>;
    try {
      written = this.journal.write(body);
    } catch (err) {
      this.journalFailed(err);
      return Promise.reject(err);
    }
    const { event, durable } = written;
    applyEvent(this.state, event);
    if (event.type === 'cost') this.spend.add(event.t, event.usd);
    this.o.onEvent?.(event);
    return durable.then(
      () => event,
      (err: unknown) => {
        this.journalFailed(err);
        throw err;
      },
    );
  }

  /** Without a journal nothing may go on: the run ends with an error (what was durable stays). */
  private journalFailed(err: unknown): void {
    if (this.ending) return;
    this.o.logger.error({ err: errorMessage(err) }, 'the journal cannot be written; ending the run');
    this.end('error');
  }
}
