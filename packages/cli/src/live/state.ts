import { gradedDirection, isBetter, type CandidateRecord, type JournalEvent } from '@aira/coordinator';

/** Events of a resumed study's past that count for its runs (the workers they name are gone). */
const HISTORY = new Set<JournalEvent['type']>([
  'run.started',
  'run.prepared',
  'run.resumed',
  'job.created',
  'candidate.added',
  'run.ended',
]);

/** What one worker does now, as the journals tell it. */
export interface WorkerView {
  id: string;
  job: null | {
    runId: string;
    jobId: string;
    operator: string;
    parents: string[];
    attempt: number;
    /** Unix ms the attempt started. */
    since: number;
    exec: null | { label: string; since: number };
  };
  /** Jobs this worker finished (candidates it produced) in the study. */
  done: number;
}

/** One run of the study (one competition and seed). */
export interface RunView {
  runId: string;
  competition: string | null;
  state: 'waiting' | 'running' | 'ended';
  endReason?: string;
  direction: 'maximize' | 'minimize';
  /** Whether run.prepared fixed the direction (older journals: the candidates' graded direction wins). */
  prepared?: boolean;
  budgetMs: number;
  /** Active time at the last event, and the wall clock of that event (to count on between events). */
  activeMs: number;
  activeAt: number;
  jobs: number;
  candidates: number;
  valid: number;
  best: { id: string; score: number } | null;
  last: CandidateRecord | null;
}

/**
 * The live view's model: folds the journal events of every run of a study into what each worker
 * runs and how each competition stands. Pure; the renderers read it.
 */
export class LiveState {
  readonly startedAt: number;
  studyId = '';
  dir = '';
  readonly workers = new Map<string, WorkerView>();
  readonly runs = new Map<string, RunView>();
  private readonly jobs = new Map<string, { operator: string; parents: string[] }>();

  constructor(
    runs: ReadonlyArray<{ runId: string; competition: string | null }> = [],
    private readonly budgetMs = 0,
    now = Date.now(),
  ) {
    this.startedAt = now;
    for (const r of runs) this.runs.set(r.runId, this.newRun(r.runId, r.competition));
  }

  private newRun(runId: string, competition: string | null): RunView {
    return {
      runId,
      competition,
      state: 'waiting',
      direction: 'maximize',
      budgetMs: this.budgetMs,
      activeMs: 0,
      activeAt: 0,
      jobs: 0,
      candidates: 0,
      valid: 0,
      best: null,
      last: null,
    };
  }

  setStudy(
    studyId: string,
    dir: string,
    runs: ReadonlyArray<{ runId: string; competition: string | null }>,
    budgetMs: number,
  ): void {
    this.studyId = studyId;
    this.dir = dir;
    for (const r of runs)
      if (!this.runs.has(r.runId))
        this.runs.set(r.runId, { ...this.newRun(r.runId, r.competition), budgetMs });
    for (const r of this.runs.values()) r.budgetMs = budgetMs;
  }

  addWorker(id: string): WorkerView {
    let w = this.workers.get(id);
    if (!w) this.workers.set(id, (w = { id, job: null, done: 0 }));
    return w;
  }

  /** Time left of a run's budget, counting on from its last event while it runs. */
  timeLeft(run: RunView, now = Date.now()): number | null {
    if (run.state !== 'running') return null;
    const active = run.activeMs + Math.max(0, now - run.activeAt);
    return Math.max(0, run.budgetMs - active);
  }

  /**
   * Folds one event in. `history` events (a resumed study's journals, read before it goes on) count
   * for the runs only: the workers they name are gone.
   */
  apply(runId: string, e: JournalEvent, history = false): void {
    let run = this.runs.get(runId);
    if (!run) this.runs.set(runId, (run = this.newRun(runId, null)));
    run.activeMs = e.active;
    run.activeAt = e.t;
    if (run.state === 'waiting' && e.type !== 'run.ended' && !history) run.state = 'running';
    const key = (jobId: string) => `${runId}/${jobId}`;
    if (history && !HISTORY.has(e.type)) return;
    switch (e.type) {
      case 'run.started':
        run.competition = e.competition;
        run.direction = e.direction;
        break;
      case 'run.prepared':
        run.direction = e.direction;
        run.prepared = true;
        break;
      case 'run.resumed':
        // A stopped run goes on (history, or this very resume).
        if (run.state === 'ended') {
          run.state = history ? 'waiting' : 'running';
          run.endReason = undefined;
        }
        break;
      case 'worker.joined':
        this.addWorker(e.workerId);
        break;
      case 'job.created':
        run.jobs++;
        this.jobs.set(key(e.job.id), { operator: e.job.operator, parents: e.job.parents });
        break;
      case 'attempt.started': {
        const job = this.jobs.get(key(e.jobId));
        this.addWorker(e.workerId).job = {
          runId,
          jobId: e.jobId,
          operator: job?.operator ?? 'job',
          parents: job?.parents ?? [],
          attempt: e.attempt,
          since: e.t,
          exec: null,
        };
        break;
      }
      case 'exec.started': {
        const w = this.workers.get(e.workerId);
        if (w?.job && w.job.jobId === e.jobId && w.job.runId === runId)
          w.job.exec = { label: e.label, since: e.t };
        break;
      }
      case 'exec.finished':
        for (const w of this.workers.values())
          if (w.job?.runId === runId && w.job.jobId === e.jobId && w.job.exec) w.job.exec = null;
        break;
      case 'attempt.submitted':
      case 'attempt.abandoned':
      case 'attempt.cancelled':
        for (const w of this.workers.values())
          if (w.job?.runId === runId && w.job.jobId === e.jobId && w.job.attempt === e.attempt) w.job = null;
        break;
      case 'candidate.added': {
        const c = e.candidate;
        run.candidates++;
        run.last = c;
        if (!run.prepared) run.direction = gradedDirection(c) ?? run.direction;
        const w = history ? undefined : this.workers.get(c.workerId);
        if (w) w.done++;
        const s = c.scores.search;
        if (c.scores.valid) {
          run.valid++;
          if (
            typeof s === 'number' &&
            Number.isFinite(s) &&
            (!run.best || isBetter(s, run.best.score, run.direction))
          )
            run.best = { id: c.id, score: s };
        }
        break;
      }
      case 'run.ended':
        run.state = 'ended';
        run.endReason = e.reason;
        for (const w of this.workers.values()) if (w.job?.runId === runId) w.job = null;
        break;
      default:
        break;
    }
  }
}
