import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errorMessage, formatDuration } from '@aira/core';
import type { JournalEvent } from '../journal/events.js';
import { readJournal } from '../journal/reader.js';
import { finalPick } from '../state/final-pick.js';
import { isResumableEnd, replay } from '../state/run-state.js';
import { bestCandidate } from '../state/types.js';
import { addSpend, formatSpend, noSpend, spendOf, type Spend } from '../state/spend.js';
import { coordinatorAlive, readCoordinatorDoc, readStudyDoc, studyPaths } from './study-files.js';

export interface RunStatus {
  runId: string;
  competition: string | null;
  seed: number;
  /** stopped: ended by a stop (or an error) with budget left; `aira run --resume` goes on with it. */
  state: 'not started' | 'running' | 'ended' | 'stopped' | 'interrupted' | 'corrupt';
  /** Why the run's journal cannot be read (state corrupt). */
  problem?: string;
  endReason?: string;
  activeMs: number;
  jobs: number;
  candidates: number;
  valid: number;
  fenced: number;
  running: Array<{ jobId: string; operator: string; attempt: number; workerId: string }>;
  workers: Array<{ id: string; address: string; status: string }>;
  best: { candidateId: string; score: number } | null;
  finalPick: { candidateId: string; by: string; score: number } | null;
  /** LLM spending of the run, and of each job that spent anything. */
  spend: Spend;
  jobSpend: Record<string, Spend>;
}

export interface StudyStatus {
  studyId: string;
  dir: string;
  createdAt: string;
  state: 'running' | 'stopping' | 'ended' | 'stopped' | 'interrupted' | 'unreadable';
  /** Why the study cannot be read (state unreadable). */
  problem?: string;
  pid?: number;
  runs: RunStatus[];
  /** LLM spending of all runs together. */
  spend: Spend;
}

const EMPTY_RUN: Omit<RunStatus, 'runId' | 'competition' | 'seed' | 'state'> = {
  activeMs: 0,
  jobs: 0,
  candidates: 0,
  valid: 0,
  fenced: 0,
  running: [],
  workers: [],
  best: null,
  finalPick: null,
  spend: noSpend(),
  jobSpend: {},
};

/** What a study's folder says about it now (read only: journals are replayed, never written). */
export function studyStatus(dir: string): StudyStatus {
  const doc = readStudyDoc(dir);
  const coord = readCoordinatorDoc(dir);
  const alive = coordinatorAlive(coord);
  const runs = doc.runs.map((r): RunStatus => {
    let events: JournalEvent[];
    try {
      events = readJournal(join(studyPaths(dir).run(r.runId), 'journal.jsonl')).events;
    } catch (err) {
      // One broken journal is one line; the other runs (and studies) still show.
      return {
        ...EMPTY_RUN,
        runId: r.runId,
        competition: r.competition,
        seed: r.seed,
        state: 'corrupt',
        problem: errorMessage(err),
      };
    }
    const s = replay(events);
    const best = bestCandidate(s.candidates.values(), s.direction);
    const running = [...s.jobs.values()]
      .filter((j) => j.status === 'running')
      .map((j) => {
        const a = j.attempts[j.attempts.length - 1]!;
        return { jobId: j.spec.id, operator: j.spec.operator, attempt: a.n, workerId: a.workerId };
      });
    const spend = spendOf(events);
    return {
      runId: r.runId,
      competition: r.competition,
      seed: r.seed,
      state:
        events.length === 0
          ? 'not started'
          : s.ended
            ? isResumableEnd(s.ended.reason)
              ? 'stopped'
              : 'ended'
            : alive
              ? 'running'
              : 'interrupted',
      endReason: s.ended?.reason,
      activeMs: s.activeMs,
      jobs: s.jobs.size,
      candidates: s.candidates.size,
      valid: [...s.candidates.values()].filter((c) => c.scores.valid).length,
      fenced: s.fenced,
      running: alive ? running : [],
      workers: [...s.workers.entries()].map(([id, w]) => ({ id, address: w.info.address, status: w.status })),
      best: best ? { candidateId: best.id, score: best.scores.search as number } : null,
      finalPick: s.ended?.finalPick ?? (events.length ? finalPick(s.candidates.values(), s.direction) : null),
      spend: spend.total,
      jobSpend: Object.fromEntries(spend.byJob),
    };
  });
  const allEnded = runs.every((r) => r.state === 'ended');
  const stopped =
    runs.some((r) => r.state === 'stopped') &&
    runs.every((r) => r.state !== 'interrupted' && r.state !== 'corrupt');
  return {
    studyId: doc.studyId,
    dir,
    createdAt: doc.createdAt,
    state: alive
      ? existsSync(studyPaths(dir).stop)
        ? 'stopping'
        : 'running'
      : allEnded
        ? 'ended'
        : stopped
          ? 'stopped'
          : 'interrupted',
    pid: alive ? coord!.pid : undefined,
    runs,
    spend: runs.reduce((t, r) => addSpend(t, r.spend), noSpend()),
  };
}

/** Every study under `out`, newest first; one that cannot be read is listed with its problem. */
export function listStudies(out: string): StudyStatus[] {
  if (!existsSync(out)) return [];
  return readdirSync(out)
    .filter((d) => existsSync(join(out, d, 'study.json')))
    .sort()
    .reverse()
    .map((d) => {
      try {
        return studyStatus(join(out, d));
      } catch (err) {
        return {
          studyId: d,
          dir: join(out, d),
          createdAt: '',
          state: 'unreadable',
          problem: errorMessage(err),
          runs: [],
          spend: noSpend(),
        };
      }
    });
}

export function formatStudyStatus(st: StudyStatus, detail: boolean): string {
  const lines = [`${st.studyId}  ${st.state}${st.pid ? ` (pid ${st.pid})` : ''}  ${st.dir}`];
  if (st.problem) lines.push(`  ${st.problem}`);
  for (const r of st.runs) {
    if (r.state === 'corrupt') {
      lines.push(`  ${r.runId.padEnd(24)} corrupt: ${r.problem}`);
      continue;
    }
    const best = r.best ? `best ${r.best.candidateId} ${fmt(r.best.score)}` : 'no valid candidate';
    const pick = r.finalPick
      ? `  pick ${r.finalPick.candidateId} (${r.finalPick.by} ${fmt(r.finalPick.score)})`
      : '';
    lines.push(
      `  ${r.runId.padEnd(24)} ${r.state}${r.endReason ? `:${r.endReason}` : ''}  ${formatDuration(r.activeMs)} active  jobs ${r.jobs}  candidates ${r.candidates} (${r.valid} valid)  ${best}${pick}`,
    );
    if (r.spend.calls > 0) lines.push(`    LLM ${formatSpend(r.spend)}`);
    if (!detail) continue;
    for (const j of r.running)
      lines.push(
        `    running ${j.jobId} ${j.operator} attempt ${j.attempt} on ${j.workerId}${r.jobSpend[j.jobId] ? `  LLM ${formatSpend(r.jobSpend[j.jobId]!)}` : ''}`,
      );
    for (const w of r.workers) lines.push(`    worker ${w.id} ${w.address} ${w.status}`);
    if (r.fenced) lines.push(`    ${r.fenced} late report(s) fenced`);
  }
  if (st.runs.length > 1 && st.spend.calls > 0) lines.push(`  study LLM ${formatSpend(st.spend)}`);
  if (st.state === 'interrupted' || st.state === 'stopped')
    lines.push(`  resume with: aira run --resume ${st.studyId}`);
  if (st.runs.some((r) => r.state === 'corrupt'))
    lines.push(
      `  continue from the last good event of each corrupt journal with: aira run --resume ${st.studyId} --repair`,
    );
  return lines.join('\n');
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

/**
 * Asks the coordinator of a study to end it cleanly: a STOP file in the study folder (seen within
 * a second wherever the coordinator runs, given a shared folder) plus SIGTERM when it runs here.
 */
export function requestStop(dir: string): { running: boolean; signalled: boolean; pid?: number } {
  const coord = readCoordinatorDoc(dir);
  writeFileSync(
    studyPaths(dir).stop,
    `stop requested by pid ${process.pid} on ${hostname()} at ${new Date().toISOString()}\n`,
  );
  if (!coord) return { running: false, signalled: false };
  if (!coordinatorAlive(coord))
    return { running: coord.hostname !== hostname(), signalled: false, pid: coord.pid };
  try {
    process.kill(coord.pid, 'SIGTERM');
    return { running: true, signalled: true, pid: coord.pid };
  } catch {
    return { running: true, signalled: false, pid: coord.pid };
  }
}
