import { join, relative } from 'node:path';
import { ArtifactStore, eventsOfType, type CandidateRecord, type JournalEvent } from '@aira/coordinator';
import { lineageOf } from '@aira/report';
import { inside, within } from './paths.js';
import { num } from './study-views.js';
import { NotFound, type Library } from './watch.js';

/** The JSON of the job, live output and candidate pages. */

/** What the job index and the job page both say of an attempt. */
function attemptHead(a: { n: number; workerId: string; status: string; startedAt: number }) {
  return { n: a.n, workerId: a.workerId, status: a.status, startedAt: a.startedAt };
}

/** The jobs of a run, newest first, with their attempts and execs (the live job view's index). */
export function jobsView(lib: Library, id: string, runId: string) {
  const r = lib.study(id).run(runId);
  return {
    id,
    runId,
    jobs: [...r.state.jobs.values()].reverse().map((j) => ({
      jobId: j.spec.id,
      operator: j.spec.operator,
      parents: j.spec.parents,
      status: j.status as string,
      candidateId: j.candidateId ?? null,
      attempts: j.attempts.map((a) => ({
        ...attemptHead(a),
        execs: [...a.execs.entries()].map(([execId, x]) => ({
          execId,
          label: x.label,
          finished: x.finished,
        })),
      })),
    })),
  };
}

/** One job: its spec, attempts, execs with their results, the agent's steps and costs, in journal order. */
export function jobView(lib: Library, id: string, runId: string, jobId: string) {
  const r = lib.study(id).run(runId);
  const job = r.state.jobs.get(jobId);
  if (!job) throw new NotFound(`run ${runId} has no job ${JSON.stringify(jobId)}`);
  const events = r.byJob.get(jobId) ?? [];
  const execs = eventsOfType(events, 'exec.started').map((e) => {
    const f = events.find(
      (x): x is Extract<JournalEvent, { type: 'exec.finished' }> =>
        x.type === 'exec.finished' && x.execId === e.execId,
    );
    return {
      execId: e.execId,
      attempt: e.attempt,
      kind: e.kind,
      label: e.label,
      t: e.t,
      exitCode: f?.exitCode ?? null,
      durationMs: f?.durationMs ?? null,
      reason: f?.reason ?? null,
      finished: Boolean(f),
    };
  });
  const steps = events
    .filter((e) => e.type === 'step')
    .map((e) => ({
      t: e.t,
      attempt: (e as { attempt: number }).attempt,
      step: (e as { step: Record<string, unknown> }).step,
    }));
  const costs = events
    .filter((e) => e.type === 'cost')
    .map((e) => ({
      t: e.t,
      attempt: (e as { attempt: number }).attempt,
      usd: (e as { usd: number }).usd,
      detail: (e as { detail?: unknown }).detail ?? null,
    }));
  return {
    id,
    runId,
    job: job.spec,
    status: job.status as string,
    candidateId: job.candidateId ?? null,
    attempts: job.attempts.map((a) => ({
      ...attemptHead(a),
      submittedAt: a.submittedAt ?? null,
    })),
    execs,
    steps,
    costs,
  };
}

const OUTPUT_TAIL = 64 * 1024;

/** A candidate: code, its parents' code (the page diffs them), scores, lineage, and the job that made it. */
export function candidateView(lib: Library, id: string, runId: string, candidateId: string) {
  const r = lib.study(id).run(runId);
  const c = r.state.candidates.get(candidateId);
  if (!c) throw new NotFound(`run ${runId} has no candidate ${JSON.stringify(candidateId)}`);
  const store = new ArtifactStore(join(r.dir, 'artifacts'));
  const text = (ref: CandidateRecord['code'], max = Infinity): string | null => {
    try {
      const buf = store.get(ref);
      return buf.subarray(Math.max(0, buf.length - max)).toString('utf8');
    } catch {
      return null;
    }
  };
  return {
    candidate: c,
    code: text(c.code),
    output: text(c.output, OUTPUT_TAIL),
    parents: c.parents.map((p) => {
      const pc = r.state.candidates.get(p);
      return {
        id: p,
        operator: pc?.operator ?? null,
        code: pc ? text(pc.code) : null,
        search: num(pc?.scores.search),
      };
    }),
    lineage: lineageOf(c.id, r.state.candidates),
    job: r.state.jobs.has(c.jobId) ? jobView(lib, id, runId, c.jobId) : null,
  };
}

/** Where an exec's output is stored: the path its journal event names, kept only inside the run folder. */
export function execLog(
  lib: Library,
  id: string,
  runId: string,
  execId: string,
): { path: string; finished: () => boolean } {
  const s = lib.study(id);
  const r = s.run(runId);
  for (const j of r.state.jobs.values()) {
    for (const a of j.attempts) {
      const x = a.execs.get(execId);
      if (!x) continue;
      const own = join('jobs', j.spec.id, `a${a.n}`, `${execId}.log`);
      const path = within(r.dir, inside(r.dir, x.log) ? relative(r.dir, x.log) : own);
      return {
        path,
        finished: () => {
          s.refresh();
          return (
            Boolean(a.execs.get(execId)?.finished) ||
            r.state.ended !== null ||
            a.status === 'abandoned' ||
            a.status === 'cancelled'
          );
        },
      };
    }
  }
  throw new NotFound(`run ${runId} has no exec ${JSON.stringify(execId)}`);
}
