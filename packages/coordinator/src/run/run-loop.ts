import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { errorMessage, type Logger } from '@aira/core';
import type {
  Agent,
  AgentContext,
  Evaluator,
  Job,
  RunCompetition,
  Submission,
  TaskInfo,
} from '../agent/types.js';
import type { ResolvedSearch, RunConfig } from '../config/schema.js';
import type { EventBody, JournalEvent } from '../journal/events.js';
import { JournalWriter } from '../journal/writer.js';
import type { WorkerPool } from '../pool/pool.js';
import { workerInfo, type PoolWorker } from '../pool/pool-worker.js';
import { createPolicy, type SearchPolicy } from '../search/policy.js';
import { jobSeed, rngFor } from '../search/rng.js';
import { ArtifactStore } from '../state/artifacts.js';
import { finalPick, type FinalPick } from '../state/final-pick.js';
import { isResumableEnd, replay, type JobState, type RunState } from '../state/run-state.js';
import type { JobSpec } from '../state/types.js';
import { adoptAll, planResume, type Adoption } from './adoption.js';
import {
  emitFor,
  failedSubmission,
  newAttempt,
  runAttempt,
  type AttemptHost,
  type LiveAttempt,
} from './attempt.js';
import { Evaluations, makeCandidate, pad } from './candidate.js';
import { Closings } from './closings.js';
import { RunJournal } from './run-journal.js';
import { reconcileWorker } from './reconcile.js';
import { StudySpend } from './spend-guard.js';
import { SpareSessions } from './spares.js';

export type EndReason = Extract<EventBody, { type: 'run.ended' }>['reason'];

export interface RunLoopOptions {
  studyId: string;
  runId: string;
  runDir: string;
  seed: number;
  competition: string | null;
  /** The competition prepared in the run's set-up (`prepareCompetition`), handed to the evaluator. */
  definition?: RunCompetition | null;
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

/**
 * The steady-state scheduler of one run (AIRA2's asynchronous workers): whenever a worker slot
 * frees, the policy proposes the next job at once; there is no generation and no barrier. Every
 * state change is journaled before it is acted on, and the same fold (`applyEvent`) that rebuilds
 * the state on resume keeps it here. One attempt's own course is `attempt.ts` (with its state table
 * in `attempt-state.ts`); sessions opened ahead are `spares.ts`; taking over a predecessor's
 * attempts is `adoption.ts`.
 */
export class RunLoop {
  state!: RunState;
  readonly artifacts: ArtifactStore;
  private journal!: RunJournal;
  private policy: SearchPolicy;
  private activeBase = 0;
  private activeSince = performance.now();
  /** The current attempt of each running job. */
  private readonly live = new Map<string, LiveAttempt>();
  /** Abandoned attempts whose flow still runs in the background (their reports are fenced). */
  private readonly zombies = new Set<LiveAttempt>();
  /** Jobs waiting for a worker (re-runs), before any new proposal. */
  private readonly pending: string[] = [];
  private readonly evaluations: Evaluations;
  private ending: EndReason | null = null;
  private readonly finished: Promise<RunResult>;
  private resolveFinished!: (r: RunResult) => void;
  private task!: TaskInfo;
  /** Timers and listeners the run's end takes down. */
  private readonly teardown: Array<() => void> = [];
  private readonly abandonedByLoss = new Map<string, number>();
  /** Attempts in flight when the previous coordinator died whose exec the agent can follow to its end. */
  private readonly adoptable = new Map<string, Adoption>();
  private readonly closings: Closings;
  private readonly spares: SpareSessions;
  private readonly spend: StudySpend;
  private readonly host: AttemptHost;

  private constructor(private readonly o: RunLoopOptions) {
    this.spend = o.spend ?? new StudySpend(o.config.budget);
    this.artifacts = new ArtifactStore(join(o.runDir, 'artifacts'));
    this.policy = createPolicy(o.search);
    this.finished = new Promise((r) => (this.resolveFinished = r));
    this.closings = new Closings(o.logger);
    this.evaluations = new Evaluations(o.logger, () => this.checkDone());
    this.spares = new SpareSessions({
      studyId: o.studyId,
      runId: o.runId,
      callDeadlineMs: o.config.workers.callDeadline,
      logger: o.logger,
      closings: this.closings,
      depth: o.config.workers.spares,
    });
    this.host = this.attemptHost();
  }

  /**
   * Opens the run's journal. A new run journals `run.started`; a run found in the journal is
   * resumed: attempts that were in flight when the previous coordinator died are abandoned and
   * their jobs queued again from their parents, unless the agent can take them over.
   */
  static async open(o: RunLoopOptions): Promise<RunLoop> {
    const loop = new RunLoop(o);
    const { writer, events } = await JournalWriter.open(join(o.runDir, 'journal.jsonl'), () =>
      loop.activeMs(),
    );
    loop.state = replay(events);
    loop.journal = new RunJournal(writer, loop.state, {
      event: (e) => {
        if (e.type === 'cost') loop.spend.add(e.t, e.usd);
        o.onEvent?.(e);
      },
      failed: (err) => loop.journalFailed(err),
    });
    loop.activeBase = loop.state.activeMs;
    loop.activeSince = performance.now();
    if (!o.spend) for (const e of events) if (e.type === 'cost') loop.spend.add(e.t, e.usd);
    // A run that ended on its cost cap goes on once the cap was raised.
    if (loop.state.ended?.reason === 'cost' && !loop.costCapReached()) {
      await loop.journal.emit({ type: 'run.reopened', reason: 'the cost cap was raised' });
    }
    // A resumed run keeps the search parameters it started with, not those of today's pool.
    if (events.length > 0 && loop.state.policy)
      loop.policy = createPolicy({ ...o.search, ...(loop.state.search as Partial<ResolvedSearch>) });
    if (events.length === 0) {
      await loop.journal.emit({
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
      await loop.journal.emit({ type: 'run.resumed', pid: process.pid });
      const plan = planResume(loop.state, o.agent);
      for (const { jobId, attempt } of plan.abandon)
        await loop.journal.emit({
          type: 'attempt.abandoned',
          jobId,
          attempt,
          reason: 'coordinator restarted',
        });
      for (const [jobId, a] of plan.adopt) loop.adoptable.set(jobId, a);
      loop.pending.push(...plan.rerun);
    }
    return loop;
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
      definition: o.definition ?? null,
      config: o.config,
      runDir: o.runDir,
    });
    // Journaled once: a resumed run keeps the facts it was first prepared with.
    if (!this.state.prepared)
      await this.journal.emit({
        type: 'run.prepared',
        evaluator: o.evaluator.name,
        competition: this.task.competition,
        direction: this.task.direction,
        split: this.task.split ?? null,
        protection: { hidden: this.task.hidden ?? false },
      });
    for (const w of o.pool.list())
      if (w.state === 'idle' || w.state === 'busy')
        await this.journal.emit({ type: 'worker.joined', workerId: w.id, info: workerInfo(w) });
    this.listen();
    await adoptAll(this.adoptable, {
      pool: o.pool,
      ending: () => this.ending !== null,
      start: (jobId, w, a) => this.startAttempt(this.state.jobs.get(jobId)!, w, a),
      giveUp: async (jobId, a) => {
        await this.journal.note({
          type: 'attempt.abandoned',
          jobId,
          attempt: a.n,
          reason: 'coordinator restarted (its worker is not back)',
        });
        this.pending.push(jobId);
        this.pending.sort((x, y) => this.state.jobs.get(x)!.spec.index - this.state.jobs.get(y)!.spec.index);
      },
    });
    this.pump();
    this.checkDone();
    return this.finished;
  }

  /** Pool events, the stop signal, ticks and the budget's timer; `teardown` undoes them at the end. */
  private listen(): void {
    const o = this.o;
    const on = <E extends 'joined' | 'lost' | 'recovered' | 'idle'>(ev: E, fn: (...a: never[]) => void) => {
      o.pool.on(ev, fn as never);
      this.teardown.push(() => o.pool.off(ev, fn as never));
    };
    on('joined', (w: PoolWorker) =>
      this.journal.now({
        type: 'worker.joined',
        workerId: w.id,
        info: workerInfo(w),
        ...(w.replaces ? { replaces: w.replaces } : {}),
      }),
    );
    on(
      'lost',
      (w: PoolWorker, reason: string) =>
        void this.onWorkerLost(w, reason).catch((err: unknown) =>
          o.logger.error({ worker: w.id, err: errorMessage(err) }, 'handling a lost worker failed'),
        ),
    );
    on('recovered', (w: PoolWorker) => this.journal.now({ type: 'worker.recovered', workerId: w.id }));
    on('idle', () => this.pump());
    const stopListener = () => this.end('stopped');
    o.stop.addEventListener('abort', stopListener);
    this.teardown.push(() => o.stop.removeEventListener('abort', stopListener));
    const tick = setInterval(() => this.journal.now({ type: 'tick' }), o.tickMs ?? 10_000);
    const remaining = o.config.budget.wallClock - this.activeMs();
    const budget = setTimeout(() => this.end('budget'), Math.max(0, Math.min(remaining, 2 ** 31 - 1)));
    this.teardown.push(
      () => clearInterval(tick),
      () => clearTimeout(budget),
    );
    if (o.stop.aborted) this.end('stopped');
  }

  /** Sessions a worker may keep: those of this run's live attempts (zombies' are cancelled, not closed). */
  liveSessionIds(): Set<string> {
    return new Set([
      ...[...this.live.values()].map((l) => l.sessionId),
      ...this.spares.ids(),
      ...[...this.adoptable.values()].map((a) => a.sessionId),
    ]);
  }

  /** Called by the pool before a worker (new or back from lost) takes work. */
  reconcile(w: PoolWorker): Promise<void> {
    return reconcileWorker(w, {
      studyId: this.o.studyId,
      callDeadlineMs: this.o.config.workers.callDeadline,
      logger: this.o.logger,
      keep: () => this.liveSessionIds(),
      abandoned: () => new Set([...this.zombies].map((z) => z.sessionId)),
    });
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
    // Folded at once; the attempt's own events are journaled after it, so none is acted on before it is on disk.
    this.journal.now({ type: 'job.created', job: spec });
    return this.state.jobs.get(spec.id)!;
  }

  private startAttempt(job: JobState, worker: PoolWorker, adopt?: Adoption): void {
    const live = newAttempt(this.o.runId, job, worker, adopt);
    this.live.set(job.spec.id, live);
    live.done = runAttempt(this.host, live, adopt).catch((err: unknown) => {
      this.o.logger.error(
        { err: errorMessage(err), job: job.spec.id, attempt: live.n },
        'attempt failed unexpectedly',
      );
    });
  }

  /** What attempts see of the loop (`attempt.ts`). */
  private attemptHost(): AttemptHost {
    return {
      o: this.o,
      state: () => this.state,
      artifacts: this.artifacts,
      spares: this.spares,
      closings: this.closings,
      task: () => this.task,
      emit: (body) => this.journal.emit(body),
      write: (body) => this.journal.write(body),
      note: (body) => this.journal.note(body),
      contextFor: (live) => this.contextFor(live),
      submitted: (live, job, submission, startedAt, journaled) =>
        this.submitted(live, job, submission, startedAt, journaled),
      releaseSlot: (live) => this.releaseSlot(live),
      abandon: (live, reason, lost) => this.abandon(live, reason, lost),
      settled: (live) => void this.zombies.delete(live),
      ending: () => this.ending !== null,
    };
  }

  private contextFor(live: LiveAttempt): AgentContext {
    const o = this.o;
    return {
      config: o.config,
      log: o.logger.child({ job: live.job.spec.id, attempt: live.n }),
      signal: live.controller.signal,
      record: async (step) => {
        await emitFor(this.host, live, { type: 'step', jobId: live.job.spec.id, attempt: live.n, step });
      },
      reportCost: async (usd, detail) => {
        await this.journal.emit({ type: 'cost', jobId: live.job.spec.id, attempt: live.n, usd, detail });
        this.checkDone();
      },
      costCapReached: () => this.costCapReached(),
      spendWaitMs: () => this.spend.waitMs(),
      remainingMs: () => Math.max(0, o.config.budget.wallClock - this.activeMs()),
      runDir: o.runDir,
    };
  }

  private releaseSlot(live: LiveAttempt): void {
    if (this.live.get(live.job.spec.id) === live) this.live.delete(live.job.spec.id);
    this.o.pool.release(live.worker);
    this.pump();
  }

  /** Ends an attempt that cannot finish; its job goes back to the front of the queue. */
  private async abandon(live: LiveAttempt, reason: string, lost = false): Promise<void> {
    const jobId = live.job.spec.id;
    live.lifecycle.to('abandoned');
    if (this.live.get(jobId) === live) this.live.delete(jobId);
    await this.journal.note({ type: 'attempt.abandoned', jobId, attempt: live.n, reason });
    const count = (this.abandonedByLoss.get(jobId) ?? 0) + 1;
    this.abandonedByLoss.set(jobId, count);
    if (count >= (this.o.maxAttempts ?? 3)) {
      // A job that keeps taking workers down is recorded as failed rather than retried for ever.
      const failed = failedSubmission(`abandoned ${count} times; last: ${reason}`);
      this.addCandidate(live, null, failed, Date.now(), Date.now(), Promise.resolve());
    } else if (!this.ending) this.pending.unshift(jobId);
    if (!lost) this.o.pool.release(live.worker);
    this.pump();
  }

  private async onWorkerLost(w: PoolWorker, reason: string): Promise<void> {
    this.spares.drop(w, false); // unreachable now; reconciling closes it if the worker comes back
    await this.journal.note({ type: 'worker.lost', workerId: w.id, reason });
    for (const live of [...this.live.values()]) {
      if (live.worker !== w || !live.lifecycle.active) continue;
      // The attempt keeps running in the background: a late report is fenced, not lost silently.
      this.zombies.add(live);
      await this.abandon(live, `worker ${w.id} lost: ${reason}`, true);
    }
  }

  // ---- candidates -------------------------------------------------------------------------------

  /** The agent returned: the candidate is evaluated and journaled once `attempt.submitted` is on disk. */
  private submitted(
    live: LiveAttempt,
    job: Job | null,
    submission: Submission,
    startedAt: number,
    journaled: Promise<unknown>,
  ): void {
    this.addCandidate(live, job, submission, startedAt, Date.now(), journaled);
  }

  private addCandidate(
    live: LiveAttempt,
    job: Job | null,
    submission: Submission,
    startedAt: number,
    submittedAt: number,
    after: Promise<unknown>,
  ): void {
    const origin = {
      spec: live.job.spec,
      attempt: live.n,
      workerId: live.worker.id,
      protection: live.protection,
      signal: live.controller.signal,
    };
    const added = after.then(async () => {
      const candidate = await makeCandidate(
        {
          evaluator: this.o.evaluator,
          artifacts: this.artifacts,
          runDir: this.o.runDir,
          activeMs: () => this.activeMs(),
        },
        origin,
        job,
        submission,
        { startedAt, submittedAt },
      );
      if (this.state.jobs.get(origin.spec.id)?.status === 'done') return; // never twice
      await this.journal.emit({ type: 'candidate.added', candidate });
    });
    this.evaluations.add(added, { job: origin.spec.id, attempt: origin.attempt });
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
    this.finish(reason).catch((err: unknown) => {
      // Only a bug gets here; the caller still gets its result rather than waiting for ever.
      this.o.logger.error({ reason, err: errorMessage(err) }, 'ending the run failed');
      this.resolveFinished(this.result(reason));
    });
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
    await this.evaluations.drain();
    for (const undo of this.teardown) undo();
    for (const w of this.o.pool.list()) this.spares.drop(w, true);
    await this.closings.settle(o.config.workers.callDeadline);
    const pick = finalPick(this.state.candidates.values(), this.state.direction);
    let message: string | undefined;
    try {
      await this.journal.emit({ type: 'run.ended', reason, finalPick: pick });
    } catch (err) {
      message = errorMessage(err);
    }
    await this.journal
      .close()
      .catch((err: unknown) => (message ??= `closing the journal: ${errorMessage(err)}`));
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
    this.journal.now(body);
    return true;
  }

  // ---- the journal ------------------------------------------------------------------------------

  /** Without a journal nothing may go on: the run ends with an error (what was durable stays). */
  private journalFailed(err: unknown): void {
    if (this.ending) {
      this.o.logger.warn({ err: errorMessage(err) }, 'the journal cannot be written while the run ends');
      return;
    }
    this.o.logger.error({ err: errorMessage(err) }, 'the journal cannot be written; ending the run');
    this.end('error');
  }
}
