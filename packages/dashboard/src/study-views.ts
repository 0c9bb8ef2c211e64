import { readAblationDoc } from '@aira/ablation';
import { pickAt } from '@aira/hce';
import { scorePlotSpec, type Medal } from '@aira/report';
import type { TelemetryHub } from './telemetry.js';
import type { Library, RunWatch, StudyWatch } from './watch.js';

/**
 * The JSON of the studies, study, workers and population pages. Everything comes from the study
 * folders through the library's watches; nothing here writes.
 */

interface StudyConfig {
  suite?: string;
  agent?: { name?: string };
  llm?: { model?: string };
  search?: { policy?: string };
  budget?: { wallClock?: number };
  checkpoints?: number[];
}

const cfg = (s: StudyWatch) => s.doc.config as StudyConfig;

function agentText(c: StudyConfig): string {
  const name = c.agent?.name ?? 'unknown';
  return name === 'react' || name === 'operators' ? `${name} (${c.llm?.model ?? 'model unset'})` : name;
}

/** What the studies list and the study page both say of a study. */
function studyHead(s: StudyWatch, c: StudyConfig, alive: boolean, budgetMs: number) {
  return {
    state: s.state(alive),
    createdAt: s.doc.createdAt,
    suite: c.suite ?? null,
    agent: agentText(c),
    policy: c.search?.policy ?? null,
    budgetMs,
  };
}

export function studiesView(lib: Library) {
  const studies = lib.list().map((e) => {
    try {
      if (e.kind === 'ablation') {
        const doc = readAblationDoc(e.dir);
        const variants = [...new Set(doc.cells.map((c) => c.variant))];
        return {
          id: e.id,
          kind: e.kind,
          createdAt: (doc as { createdAt?: string }).createdAt ?? null,
          cells: doc.cells.length,
          variants,
        };
      }
      const s = lib.study(e.id);
      const c = cfg(s);
      const alive = s.alive();
      const budgetMs = c.budget?.wallClock ?? 0;
      const runs = [...s.runs.values()].map((r) => r.runReport(budgetMs, c.agent?.name, alive));
      const medals: Record<Medal, number> = { gold: 0, silver: 0, bronze: 0 };
      for (const r of runs) if (r.pick?.medal) medals[r.pick.medal]++;
      return {
        id: e.id,
        kind: e.kind,
        ...studyHead(s, c, alive, budgetMs),
        usedMs: runs.reduce((t, r) => t + r.activeMs, 0),
        runs: runs.map((r) => ({
          runId: r.runId,
          competition: r.competition,
          state: r.state,
          activeMs: r.activeMs,
          candidates: r.candidates,
          bestSearch: r.bestSearch?.score ?? null,
          test: r.pick?.test ?? null,
          medal: r.pick?.medal ?? null,
          percentileRank: r.pick ? r.pick.percentileRank : null,
        })),
        medals,
        errors: [...s.runs.values()].filter((r) => r.error).length,
      };
    } catch (err) {
      return { id: e.id, kind: e.kind, error: (err as Error).message };
    }
  });
  return { root: lib.root, studies };
}

export function studyView(lib: Library, id: string) {
  const s = lib.study(id);
  const c = cfg(s);
  const alive = s.alive();
  const budgetMs = c.budget?.wallClock ?? 0;
  const checkpointsMs = (c.checkpoints ?? []).filter((x) => Number.isFinite(x));
  return {
    id,
    ...studyHead(s, c, alive, budgetMs),
    runs: [...s.runs.values()].map((r) => {
      const report = r.runReport(budgetMs, c.agent?.name, alive);
      return {
        ...report,
        error: r.error,
        pendingBytes: r.tail.pendingBytes,
        costUsd: r.state.costUsd,
        running: runningJobs(r).length,
        checkpoints: r.memo(`checkpoints:${checkpointsMs.join(',')}`, () => checkpointsOf(r, checkpointsMs)),
        plot: r.memo(`plot:${alive}`, () => scorePlotSpec(report)),
      };
    }),
  };
}

/** The pick at each checkpoint the run has reached (hce's rule, the one the ablation tables use). */
function checkpointsOf(r: RunWatch, checkpointsMs: number[]) {
  return checkpointsMs
    .filter((t) => t <= r.state.activeMs || r.state.ended)
    .map((t) => {
      const p = pickAt(r.pickEvents, t);
      return {
        atMs: t,
        candidateId: p.candidateId,
        validation: p.validation,
        test: p.test,
        medal: p.medal,
        percentileRank: p.percentileRank,
      };
    });
}

function runningJobs(r: RunWatch) {
  return [...r.state.jobs.values()].filter((j) => j.status === 'running');
}

export function workersView(
  lib: Library,
  id: string,
  telemetry: TelemetryHub | null = null,
  now = Date.now(),
) {
  const s = lib.study(id);
  const alive = s.alive();
  const token = telemetry && alive ? s.workerToken() : null;
  const runs = [...s.runs.values()].map((r) => {
    const lost = new Map<string, { reason: string; t: number }>();
    const joined = new Map<string, number>();
    for (const e of r.events) {
      if (e.type === 'worker.lost') lost.set(e.workerId, { reason: e.reason, t: e.t });
      else if (e.type === 'worker.joined') joined.set(e.workerId, e.t);
    }
    const current = new Map<
      string,
      {
        jobId: string;
        operator: string;
        attempt: number;
        startedAt: number;
        elapsedMs: number;
        exec: { execId: string; label: string } | null;
      }
    >();
    const done = new Map<string, number>();
    for (const c of r.state.candidates.values()) done.set(c.workerId, (done.get(c.workerId) ?? 0) + 1);
    if (alive && !r.state.ended) {
      for (const j of runningJobs(r)) {
        const a = j.attempts[j.attempts.length - 1]!;
        const open = [...a.execs.entries()].filter(([, x]) => !x.finished).pop();
        current.set(a.workerId, {
          jobId: j.spec.id,
          operator: j.spec.operator,
          attempt: a.n,
          startedAt: a.startedAt,
          elapsedMs: now - a.startedAt,
          exec: open ? { execId: open[0], label: open[1].label } : null,
        });
      }
    }
    return {
      runId: r.runId,
      competition: r.meta.competition,
      phase: r.phase(alive),
      workers: [...r.state.workers.entries()].map(([wid, w]) => ({
        id: wid,
        // After the run a worker that was up is no longer this run's, whatever became of it.
        status: w.status === 'lost' ? 'lost' : alive && !r.state.ended ? 'up' : 'released',
        address: w.info.address,
        source: w.info.source,
        hostname: w.info.hostname ?? null,
        cpus: w.info.cpus ?? null,
        gpus: w.info.gpus ?? [],
        sandbox: w.info.sandbox ?? null,
        python: w.info.python ?? null,
        joinedAt: joined.get(wid) ?? null,
        lost: lost.get(wid) ?? null,
        candidates: done.get(wid) ?? 0,
        current: current.get(wid) ?? null,
        telemetry:
          telemetry && alive && !r.state.ended && w.status === 'up'
            ? telemetry.utilisation(w.info.address, token, now)
            : null,
      })),
    };
  });
  return { id, state: s.state(alive), now, runs };
}

export const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** Every candidate of a run as a node with its parents: the lineage graph's data. */
export function populationView(lib: Library, id: string, runId: string) {
  const s = lib.study(id);
  const r = s.run(runId);
  const report = r.runReport(cfg(s).budget?.wallClock ?? 0, undefined, false);
  return {
    id,
    runId,
    direction: report.direction,
    pick: report.pick?.candidateId ?? null,
    nodes: [...r.state.candidates.values()].map((c) => ({
      id: c.id,
      jobId: c.jobId,
      operator: c.operator,
      parents: c.parents,
      valid: c.scores.valid,
      search: num(c.scores.search),
      validation: num(c.scores.validation),
      test: num(c.scores.test),
      activeMs: c.timings.activeMs,
    })),
    running: runningJobs(r).map((j) => ({
      jobId: j.spec.id,
      operator: j.spec.operator,
      parents: j.spec.parents,
    })),
  };
}
