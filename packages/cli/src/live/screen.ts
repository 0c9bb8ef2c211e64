import { formatDuration } from '@aira/core';
import type { LiveState, RunView, WorkerView } from './state.js';

const score = (x: number) => String(Number(x.toFixed(5)));

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function runRow(state: LiveState, r: RunView, now: number): string[] {
  const left = state.timeLeft(r, now);
  const status = r.state === 'ended' ? `ended (${r.endReason ?? '?'})` : r.state;
  const best = r.best ? `${score(r.best.score)} (${r.best.id})` : '–';
  return [
    r.competition ?? r.runId,
    status,
    String(r.candidates),
    String(r.valid),
    best,
    left === null ? '–' : formatDuration(left),
  ];
}

function workerRow(w: WorkerView, now: number): string[] {
  if (!w.job) return [w.id, `idle (${w.done} done)`, ''];
  const j = w.job;
  const op = `${j.operator}${j.parents.length ? `(${j.parents.join('+')})` : ''}`;
  const exec = j.exec ? ` · ${j.exec.label} ${formatDuration(now - j.exec.since)}` : '';
  return [
    w.id,
    `${j.runId} ${j.jobId} ${op}${j.attempt > 1 ? ` try ${j.attempt}` : ''}${exec}`,
    formatDuration(Math.max(0, now - j.since)),
  ];
}

/** The live view as lines: the study, per competition its progress, per worker what it runs. */
export function renderScreen(state: LiveState, now = Date.now(), width = 100, final = false): string[] {
  const head = `aira study ${state.studyId || '(starting)'} · ${state.workers.size} worker(s) · ${formatDuration(now - state.startedAt)}`;
  const runs = table([
    ['competition', 'state', 'jobs done', 'valid', 'best search', 'time left'],
    ...[...state.runs.values()].map((r) => runRow(state, r, now)),
  ]);
  const workers = state.workers.size
    ? table([['worker', 'running', 'for'], ...[...state.workers.values()].map((w) => workerRow(w, now))])
    : ['waiting for workers…'];
  const foot = final ? [] : ['', 'Ctrl-C ends the study cleanly (it can be resumed)'];
  return [head, '', ...runs, '', ...workers, ...foot].map((l) => fit(l, width));
}
