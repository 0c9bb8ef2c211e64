import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { UserError, errorMessage, type Logger } from '@aira/core';
import type { SlurmConfig } from '../config/schema.js';
import type { WorkerPool } from '../pool/pool.js';
import type { PoolWorker } from '../pool/pool-worker.js';
import {
  ENDED_STATES,
  accountedState,
  describeStates,
  jobStates,
  scancel,
  sbatch,
  type JobState,
} from './commands.js';
import { renderSbatch, slurmJobOfWorker, workersPerJob } from './script.js';

/** What happened to one of the study's Slurm jobs (journaled as `slurm.job`). */
export interface SlurmJobEvent {
  jobId: string;
  action: 'submitted' | 'adopted' | 'ended' | 'cancelled';
  /** Workers the job was asked to start. */
  workers: number;
  /** Slurm's state (and reason) when the job ended. */
  state?: string;
  reason?: string;
}

export interface SlurmWorkersOptions {
  config: SlurmConfig;
  /** Jobs to keep (`slurm:N`). */
  jobs: number;
  pool: WorkerPool;
  /** host:port the workers dial (the registration service). */
  coordinator: string;
  tokenFile: string;
  /** The study's Slurm folder: scripts, job output, `jobs.jsonl`. */
  dir: string;
  /** argv that runs `aira` on a node (the CLI passes its own). */
  aira: string[];
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  onJob?: (e: SlurmJobEvent) => void;
}

interface JobRecord {
  jobId: string;
  action: SlurmJobEvent['action'];
  coordinator?: string;
  t: number;
}

const jobsFile = (dir: string) => join(dir, 'jobs.jsonl');

/** Jobs a study submitted and has not seen end, from its `jobs.jsonl` (the journal's twin, written first). */
export function recordedJobs(dir: string): Array<{ jobId: string; coordinator?: string }> {
  const file = jobsFile(dir);
  if (!existsSync(file)) return [];
  const live = new Map<string, { jobId: string; coordinator?: string }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let rec: JobRecord;
    try {
      rec = JSON.parse(line) as JobRecord;
    } catch {
      continue; // a line cut short by a crash
    }
    if (rec.action === 'submitted' || rec.action === 'adopted')
      live.set(rec.jobId, { jobId: rec.jobId, coordinator: rec.coordinator });
    else live.delete(rec.jobId);
  }
  return [...live.values()];
}

/**
 * The study's worker jobs on Slurm. It submits them, waits for their workers to register, watches
 * squeue: a job that ends (preemption, node failure, time limit, scancel) has its workers marked
 * lost at once (the run loop re-runs their jobs elsewhere) and is replaced by a new submission
 * while submissions remain; `close` cancels every job it owns. Each job id is on disk
 * (`jobs.jsonl`, fsynced) the moment sbatch returns it, before anything else happens, so a
 * crashed or requeued coordinator finds its jobs again.
 */
export class SlurmWorkers {
  private readonly active = new Map<string, { submittedAt: number }>();
  private submissions = 0;
  private scriptBase = 0;
  /** Jobs this coordinator saw end. */
  private readonly ended = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | null = null;
  private closing = false;
  private readonly onLost = (w: PoolWorker) => {
    if (slurmJobOfWorker(w.id) && this.active.has(slurmJobOfWorker(w.id)!)) void this.poll();
  };

  constructor(private readonly o: SlurmWorkersOptions) {
    mkdirSync(o.dir, { recursive: true });
  }

  get maxSubmissions(): number {
    return this.o.config.maxSubmissions ?? 3 * this.o.jobs;
  }

  get jobIds(): string[] {
    return [...this.active.keys()];
  }

  /** Workers the live jobs were asked to start. */
  expected(): number {
    return this.active.size * workersPerJob(this.o.config);
  }

  /**
   * Adopts the jobs a previous coordinator of this study left when they dial this very address
   * (a fixed registration port), cancels the others, then submits what is missing.
   */
  async start(): Promise<void> {
    // Scripts of a resumed study are numbered on from its earlier ones.
    const file = jobsFile(this.o.dir);
    this.scriptBase = existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.includes('"submitted"')).length
      : 0;
    const recorded = recordedJobs(this.o.dir);
    if (recorded.length > 0) {
      const states = await jobStates(
        recorded.map((r) => r.jobId),
        this.o,
      );
      for (const r of recorded) {
        const s = states.find((x) => x.jobId === r.jobId);
        const live = s && !ENDED_STATES.has(s.state);
        if (live && r.coordinator === this.o.coordinator && this.active.size < this.o.jobs) {
          this.active.set(r.jobId, { submittedAt: Date.now() });
          this.record({ jobId: r.jobId, action: 'adopted', coordinator: this.o.coordinator, t: Date.now() });
        } else {
          if (live) await scancel([r.jobId], this.o);
          this.record(
            { jobId: r.jobId, action: live ? 'cancelled' : 'ended', t: Date.now() },
            {
              state: s?.state ?? 'gone',
              reason: live
                ? `its workers dial ${r.coordinator}, this coordinator listens on ${this.o.coordinator}`
                : undefined,
            },
          );
        }
      }
    }
    while (this.active.size < this.o.jobs) await this.submit();
    this.o.pool.on('lost', this.onLost);
    this.timer = setInterval(() => void this.poll(), Math.max(200, this.o.config.poll));
    this.timer.unref();
  }

  private async submit(): Promise<string> {
    const n = this.scriptBase + this.submissions++;
    const script = join(this.o.dir, `job-${n}.sbatch`);
    writeFileSync(
      script,
      renderSbatch(this.o.config, this.o.aira, {
        coordinator: this.o.coordinator,
        tokenFile: this.o.tokenFile,
        logDir: this.o.dir,
      }),
      { mode: 0o755 },
    );
    const jobId = await sbatch(script, `worker job ${n}`, this.o, ['--chdir', this.o.dir]);
    this.active.set(jobId, { submittedAt: Date.now() });
    this.record({ jobId, action: 'submitted', coordinator: this.o.coordinator, t: Date.now() });
    this.o.logger.info({ jobId, script }, 'slurm worker job submitted');
    return jobId;
  }

  private record(rec: JobRecord, extra: { state?: string; reason?: string } = {}): void {
    const fd = openSync(jobsFile(this.o.dir), 'a');
    try {
      writeSync(fd, `${JSON.stringify({ ...rec, ...extra })}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.o.onJob?.({ jobId: rec.jobId, action: rec.action, workers: workersPerJob(this.o.config), ...extra });
  }

  private workersOf(jobId: string): PoolWorker[] {
    return this.o.pool.list().filter((w) => slurmJobOfWorker(w.id) === jobId && w.state !== 'closed');
  }

  /** Asks squeue about the live jobs; ended ones lose their workers and are replaced. */
  poll(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = (async () => {
      try {
        const ids = this.jobIds;
        if (ids.length === 0 || this.closing) return;
        const states = await jobStates(ids, this.o);
        for (const id of ids) {
          const s = states.find((x) => x.jobId === id);
          if (s && !ENDED_STATES.has(s.state)) continue;
          if (this.closing) return;
          await this.onEnded(id, s);
        }
      } catch (err) {
        this.o.logger.warn(
          { err: errorMessage(err) },
          'asking Slurm about the worker jobs failed; will ask again',
        );
      } finally {
        this.polling = null;
      }
    })();
    return this.polling;
  }

  private async onEnded(jobId: string, s: JobState | undefined): Promise<void> {
    if (!this.active.delete(jobId)) return;
    this.ended.add(jobId);
    const state = s?.state ?? (await accountedState(jobId, this.o)) ?? 'ENDED';
    const reason = s?.reason && s.reason !== 'None' ? s.reason : undefined;
    this.record({ jobId, action: 'ended', t: Date.now() }, { state, reason });
    const workers = this.workersOf(jobId);
    for (const w of workers)
      this.o.pool.markLost(w, `slurm job ${jobId} ended: ${state}${reason ? ` (${reason})` : ''}`);
    if (this.closing) return;
    // A job that ended before any of its workers came is a broken script or environment, not bad
    // luck: submitting it again would fail the same way (unless Slurm took the node away first).
    if (workers.length === 0 && !['PREEMPTED', 'NODE_FAIL', 'BOOT_FAIL'].includes(state)) {
      this.o.logger.error(
        { jobId, state },
        `slurm job ended before its workers registered; not replaced (${this.logTail(jobId)})`,
      );
      return;
    }
    if (this.submissions >= this.maxSubmissions) {
      this.o.logger.warn(
        { jobId, submissions: this.submissions },
        'slurm job ended; no submission left to replace it (slurm.maxSubmissions)',
      );
      return;
    }
    try {
      const next = await this.submit();
      this.o.logger.warn({ jobId, state, replacement: next }, 'slurm job ended; submitted a replacement');
    } catch (err) {
      this.o.logger.error(
        { jobId, err: errorMessage(err) },
        'slurm job ended and its replacement was refused',
      );
    }
  }

  /**
   * Waits until every live job's workers have registered. Past `waitMs`, or when every job has
   * ended, it cancels the jobs and fails naming the missing workers and Slurm's view of their jobs —
   * unless some workers did come, in which case the study goes on with them and the rest may join later.
   */
  async waitForWorkers(waitMs: number, stop: AbortSignal): Promise<{ missing: string | null }> {
    const perJob = workersPerJob(this.o.config);
    const until = Date.now() + waitMs;
    const short = () => this.jobIds.filter((id) => this.workersOf(id).length < perJob);
    while (!stop.aborted) {
      if (short().length === 0 && this.active.size > 0) return { missing: null };
      if (Date.now() > until || this.active.size === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (stop.aborted) return { missing: null };
    const ids = [...new Set([...short(), ...this.endedEarly])];
    const states = await jobStates(ids, this.o).catch(() => [] as JobState[]);
    const joined = this.o.pool
      .list()
      .filter((w) => slurmJobOfWorker(w.id) && w.state !== 'closed' && w.state !== 'lost').length;
    const what = ids
      .map(
        (id) =>
          `job ${id}: ${this.workersOf(id).length}/${perJob} worker(s) (${describeStates([id], states).replace(/^\S+ /, '')})`,
      )
      .join('; ');
    const tail = this.endedEarly.length > 0 ? `; ${this.logTail(this.endedEarly[0]!)}` : '';
    if (joined === 0) {
      const cancelled = await this.close();
      const within =
        this.active.size === 0 && Date.now() <= until
          ? 'and every job ended'
          : `within ${Math.round(waitMs / 1000)} s`;
      throw new UserError(
        `slurm: no worker registered ${within}: ${what}${tail}${cancelled > 0 ? '; jobs cancelled' : ''}`,
      );
    }
    return { missing: what };
  }

  /** Jobs of this coordinator that ended while it waited for their workers. */
  private get endedEarly(): string[] {
    return [...this.ended];
  }

  /** The last line a job printed (its output file), for error messages. */
  private logTail(jobId: string): string {
    const file = join(this.o.dir, `${this.o.config.jobName}-${jobId}.out`);
    if (!existsSync(file)) return `job ${jobId} wrote no output`;
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    // srun's own closing lines ("task 0: Exited with exit code 2") say less than the line before them.
    const said = lines.filter((l) => !/^srun: /.test(l)).at(-1) ?? lines.at(-1) ?? '(nothing)';
    return `job ${jobId} said: ${said} (${file})`;
  }

  /** Cancels every job the study owns and waits (a while) until Slurm has ended them; resolves with how many it cancelled. */
  async close(): Promise<number> {
    this.closing = true;
    clearInterval(this.timer);
    this.o.pool.off('lost', this.onLost);
    await this.polling?.catch(() => undefined);
    const ids = this.jobIds;
    if (ids.length === 0) return 0;
    try {
      await scancel(ids, this.o);
    } catch (err) {
      this.o.logger.error({ err: errorMessage(err), jobs: ids }, 'could not cancel the worker jobs');
      return 0;
    }
    for (const id of ids) {
      this.active.delete(id);
      this.record({ jobId: id, action: 'cancelled', t: Date.now() }, { reason: 'the coordinator ended' });
    }
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const states = await jobStates(ids, this.o).catch(() => [] as JobState[]);
      if (states.every((s) => ENDED_STATES.has(s.state))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return ids.length;
  }
}
