import type { Agent, RunningExec } from '../agent/types.js';
import type { WorkerPool } from '../pool/pool.js';
import type { PoolWorker } from '../pool/pool-worker.js';
import { unfinishedJobs, type JobState, type RunState } from '../state/run-state.js';

/** What a resumed coordinator needs to take over an attempt of its predecessor. */
export interface Adoption {
  n: number;
  workerId: string;
  sessionId: string;
  dirs?: { data: string; work: string; submission: string };
  startedAt: number;
  running: RunningExec | null;
  /** The highest exec number the session's execs had (new ones continue after it). */
  execsBefore: number;
}

/** The job's last attempt, when it can be taken over: at most one exec still open and an agent that can resume it. */
export function adoptionOf(job: JobState, agent: Agent): Adoption | undefined {
  const a = job.attempts[job.attempts.length - 1];
  if (!a || a.status !== 'running' || !a.sessionId || !agent.canResume || !agent.resumeJob) return undefined;
  const open = [...a.execs.entries()].filter(([, x]) => !x.finished);
  if (open.length > 1) return undefined;
  const running = open.length === 1 ? { execId: open[0]![0], label: open[0]![1].label } : null;
  if (!agent.canResume(running)) return undefined;
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

/** What a resumed run does with the jobs its predecessor left unfinished. */
export interface ResumePlan {
  /** Attempts that were in flight and will not be taken over: journaled as abandoned. */
  abandon: Array<{ jobId: string; attempt: number }>;
  /** Attempts whose session (and exec) may still be on a worker, by job id. */
  adopt: Map<string, Adoption>;
  /** Jobs to run again from their parents, in creation order. */
  rerun: string[];
}

export function planResume(state: RunState, agent: Agent): ResumePlan {
  const plan: ResumePlan = { abandon: [], adopt: new Map(), rerun: [] };
  for (const job of unfinishedJobs(state).sort((a, b) => a.spec.index - b.spec.index)) {
    const adopt = adoptionOf(job, agent);
    for (const a of job.attempts) {
      if (a.n === adopt?.n) continue;
      if (a.status === 'running' || a.status === 'submitted')
        plan.abandon.push({ jobId: job.spec.id, attempt: a.n });
    }
    if (adopt) plan.adopt.set(job.spec.id, adopt);
    else plan.rerun.push(job.spec.id);
  }
  return plan;
}

/**
 * Takes over the attempts whose worker is back (acquiring it, so it takes no other job); the
 * others are abandoned and their jobs re-run. `adoptable` is emptied as it goes.
 */
export async function adoptAll(
  adoptable: Map<string, Adoption>,
  d: {
    pool: WorkerPool;
    ending: () => boolean;
    start: (jobId: string, w: PoolWorker, a: Adoption) => void;
    giveUp: (jobId: string, a: Adoption) => Promise<void>;
  },
): Promise<void> {
  for (const [jobId, a] of [...adoptable]) {
    adoptable.delete(jobId);
    const w = d.pool.get(a.workerId);
    if (!d.ending() && w && d.pool.acquireWorker(w)) d.start(jobId, w, a);
    else await d.giveUp(jobId, a);
  }
}
