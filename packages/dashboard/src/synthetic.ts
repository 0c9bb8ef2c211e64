import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CandidateRecord, EventBody, Operator } from '@aira/coordinator';

/**
 * A study folder written the way a coordinator writes one (study.json, manifest, journal, artifacts,
 * exec logs), without running anything: for the dashboard's tests, its benchmark (10,000 candidates)
 * and demos. A `SyntheticRun` can also keep appending, as a live coordinator in another process does.
 */
export interface SyntheticStudyOptions {
  studyId: string;
  competitions: string[];
  budgetMs?: number;
  agent?: string;
  seed?: number;
}

export function createSyntheticStudy(
  root: string,
  o: SyntheticStudyOptions,
): { dir: string; runs: SyntheticRun[] } {
  const dir = join(root, o.studyId);
  mkdirSync(dir, { recursive: true });
  const seed = o.seed ?? 0;
  const runs = o.competitions.map((c) => ({ runId: `${c}-s${seed}`, competition: c, seed }));
  const config = {
    competitions: o.competitions,
    agent: { name: o.agent ?? 'template' },
    search: { policy: 'evolution' },
    budget: { wallClock: o.budgetMs ?? 3_600_000 },
    checkpoints: [60_000],
  };
  writeFileSync(
    join(dir, 'study.json'),
    `${JSON.stringify({ studyId: o.studyId, createdAt: new Date().toISOString(), airaVersion: '0.1.0', config, provenance: {}, runs }, null, 2)}\n`,
  );
  return {
    dir,
    runs: runs.map((r) => {
      const run = new SyntheticRun(join(dir, r.runId), r.runId, r.competition);
      writeFileSync(
        join(run.dir, 'manifest.json'),
        `${JSON.stringify({ studyId: o.studyId, runId: r.runId, competition: r.competition, seed, agent: o.agent ?? 'template', evaluator: 'hce' })}\n`,
      );
      run.event({
        type: 'run.started',
        studyId: o.studyId,
        runId: r.runId,
        seed,
        competition: r.competition,
        policy: 'evolution',
        search: {},
        direction: 'maximize',
      });
      return run;
    }),
  };
}

export interface SyntheticJob {
  jobId: string;
  execId: string;
  log: string;
  operator: Operator;
  parents: string[];
  workerId: string;
  startedAt: number;
}

export class SyntheticRun {
  private seq = 0;
  activeMs = 0;
  private jobs = 0;
  candidates: string[] = [];
  private buffer: string[] | null = null;
  readonly journal: string;

  constructor(
    readonly dir: string,
    readonly runId: string,
    readonly competition: string,
  ) {
    mkdirSync(dir, { recursive: true });
    this.journal = join(dir, 'journal.jsonl');
  }

  event(body: EventBody): void {
    const line = `${JSON.stringify({ seq: this.seq++, t: Date.now(), active: this.activeMs, ...body })}\n`;
    if (this.buffer) this.buffer.push(line);
    else appendFileSync(this.journal, line);
  }

  /** Writes many events at once (a big synthetic history); `fn`'s events land in one append. */
  batch(fn: () => void): void {
    this.buffer = [];
    try {
      fn();
    } finally {
      const lines = this.buffer;
      this.buffer = null;
      appendFileSync(this.journal, lines.join(''));
    }
  }

  worker(workerId: string): void {
    this.event({
      type: 'worker.joined',
      workerId,
      info: {
        address: `127.0.0.1:${5000 + this.seq}`,
        source: 'local',
        hostname: 'synthetic',
        cpus: 2,
        sandbox: 'bubblewrap',
      },
    });
  }

  startJob(operator: Operator, parents: string[], workerId: string): SyntheticJob {
    const n = ++this.jobs;
    const jobId = `j${String(n).padStart(4, '0')}`;
    const execId = `${this.runId}.${jobId}.a1.x1`;
    const log = join(this.dir, 'jobs', jobId, 'a1', `${execId}.log`);
    this.event({
      type: 'job.created',
      job: { id: jobId, index: n, operator, parents, seed: n, debugDepth: 0 },
    });
    this.event({ type: 'attempt.started', jobId, attempt: 1, workerId });
    this.event({ type: 'session.opened', jobId, attempt: 1, workerId, sessionId: `${jobId}-s` });
    this.event({
      type: 'exec.started',
      jobId,
      attempt: 1,
      workerId,
      sessionId: `${jobId}-s`,
      execId,
      kind: 'bash',
      label: 'solution',
      log,
    });
    return { jobId, execId, log, operator, parents, workerId, startedAt: Date.now() };
  }

  output(job: SyntheticJob, text: string): void {
    mkdirSync(join(this.dir, 'jobs', job.jobId, 'a1'), { recursive: true });
    appendFileSync(job.log, text);
  }

  /** Ends the job with a candidate; `code` is stored as an artifact when given. */
  finishJob(job: SyntheticJob, score: number, code?: string, tookMs = 1000): string {
    this.activeMs += tookMs;
    const id = `c${String(this.candidates.length + 1).padStart(4, '0')}`;
    const ref = code === undefined ? { sha256: sha(id), size: 0 } : this.artifact(code);
    const output =
      code === undefined
        ? { sha256: sha(`${id}.out`), size: 0 }
        : this.artifact(`output of ${id}\nscore: ${score}\n`);
    this.event({
      type: 'exec.finished',
      jobId: job.jobId,
      attempt: 1,
      execId: job.execId,
      exitCode: 0,
      signal: '',
      durationMs: tookMs,
      reason: '',
      startedAt: job.startedAt,
    });
    this.event({
      type: 'step',
      jobId: job.jobId,
      attempt: 1,
      step: { kind: 'template.run', exitCode: 0, durationMs: tookMs },
    });
    this.event({ type: 'attempt.submitted', jobId: job.jobId, attempt: 1, workerId: job.workerId });
    const candidate: CandidateRecord = {
      id,
      jobId: job.jobId,
      operator: job.operator,
      parents: job.parents,
      attempt: 1,
      workerId: job.workerId,
      debugDepth: 0,
      code: ref,
      artifacts: {},
      output,
      scores: {
        valid: true,
        search: score,
        validation: score - 0.01,
        test: score - 0.02,
        details: {
          direction: 'maximize',
          test: {
            percentileRank: Math.min(100, score * 100),
            medal: score > 0.95 ? 'gold' : null,
            aboveMedian: score > 0.5,
          },
        },
      },
      timings: {
        startedAt: job.startedAt,
        submittedAt: job.startedAt + tookMs,
        evaluatedAt: job.startedAt + tookMs,
        activeMs: this.activeMs,
      },
    };
    this.event({ type: 'candidate.added', candidate });
    this.candidates.push(id);
    return id;
  }

  end(): void {
    this.event({ type: 'run.ended', reason: 'budget', finalPick: null });
  }

  private artifact(text: string): { sha256: string; size: number } {
    const sha256 = sha(text);
    const folder = join(this.dir, 'artifacts', sha256.slice(0, 2));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, sha256), text);
    return { sha256, size: Buffer.byteLength(text) };
  }
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A finished history of `n` candidates: drafts first, then mutations and crossovers of earlier
 * ones, scores climbing slowly with noise (deterministic). `withCode` stores each candidate's code.
 */
export function populate(
  run: SyntheticRun,
  n: number,
  o: { workers?: number; withCode?: boolean } = {},
): void {
  const workers = Array.from({ length: o.workers ?? 2 }, (_, i) => `w${i + 1}`);
  let x = 12345;
  const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  run.batch(() => {
    for (const w of workers) run.worker(w);
    for (let i = 0; i < n; i++) {
      const have = run.candidates.length;
      const op: Operator = have < 3 ? 'draft' : rand() < 0.15 ? 'crossover' : 'mutate';
      const pickParent = () => run.candidates[Math.floor(have * (0.5 + 0.5 * rand())) % have]!;
      const parents =
        op === 'draft'
          ? []
          : op === 'crossover'
            ? [...new Set([pickParent(), pickParent()])]
            : [pickParent()];
      const job = run.startJob(op, parents, workers[i % workers.length]!);
      const score = Math.min(0.999, 0.5 + 0.45 * (i / Math.max(1, n)) + 0.05 * rand());
      const code = o.withCode
        ? `import numpy as np\n# candidate ${i + 1}: ${op}\nC = ${(rand() * 10).toFixed(3)}\nprint("score:", ${score.toFixed(5)})\n`
        : undefined;
      run.finishJob(job, Number(score.toFixed(5)), code);
    }
  });
}
