import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, UserError } from '@aira/core';
import {
  addSpend,
  noSpend,
  readJournal,
  replay,
  spendOf,
  studyStatus,
  type CandidateRecord,
  type JournalEvent,
  type RunState,
  type RunStatus,
} from '@aira/coordinator';
import { detailsOf, isProtecting, pickAt, pickScores, PREDICTION_FILES } from '@aira/hce';
import { lineageOf } from './lineage.js';
import { scoreSeries } from './series.js';
import {
  REPORT_FORMAT,
  type Baseline,
  type Direction,
  type LeaderboardRef,
  type Medal,
  type PickReport,
  type Protection,
  type RunReport,
  type StudyReport,
} from './types.js';

export interface ReportOptions {
  /** The trivial baseline of a competition, when it has one (plugins/mini ships baseline.json). */
  baseline?: (competition: string) => Baseline | null;
  /** How an agent is named to people (the cli: "template (LLM-free: …)"). */
  describeAgent?: (name: string) => string;
  /** Time stamp of the report (tests pin it). */
  now?: () => Date;
}

/** What study.json holds that the report reads (written by the coordinator when a study starts). */
interface StudyDoc {
  studyId: string;
  createdAt: string;
  airaVersion: string;
  config: {
    suite?: string;
    agent?: { name?: string };
    llm?: { model?: string; baseUrl?: string };
    search?: { policy?: string };
    budget?: { wallClock?: number };
  };
  runs: Array<{ runId: string; competition: string | null; seed: number }>;
}

function readStudy(dir: string): StudyDoc {
  const path = join(dir, 'study.json');
  if (!existsSync(path))
    throw new UserError(`no study at ${dir} (no study.json)`, 'give a study folder, e.g. runs/<study-id>');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StudyDoc;
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

function readRunManifest(runDir: string): { agent?: string; evaluator?: string } {
  try {
    return JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as {
      agent?: string;
      evaluator?: string;
    };
  } catch {
    return {};
  }
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * The direction the evaluator graded with: run.prepared's, or in journals written before it, the one
 * HCE recorded in each candidate (the fold of the run state takes either).
 */
export function directionOf(state: RunState): Direction {
  return state.direction;
}

/** A plugin's own leaderboard is a reference leaderboard; only MLE-bench's are Kaggle's. */
export function leaderboardLabel(kind: string): string {
  return kind === 'mlebench' ? 'Kaggle leaderboard (MLE-bench)' : 'reference leaderboard';
}

function leaderboardOf(c: CandidateRecord): LeaderboardRef | null {
  const lb = detailsOf(c.scores).test?.leaderboard;
  if (!lb) return null;
  return {
    kind: lb.kind,
    file: lb.file ?? '',
    label: leaderboardLabel(lb.kind),
    ...(lb.exact !== undefined ? { exact: lb.exact } : {}),
  };
}

export function protectionOf(events: readonly JournalEvent[]): Protection {
  const sandboxes = new Set<string>();
  for (const e of events) if (e.type === 'worker.joined') sandboxes.add(e.info.sandbox ?? 'unknown');
  const list = [...sandboxes].sort();
  return { sandboxes: list, protected: list.length > 0 && list.every((s) => isProtecting(s)) };
}

const artifactPath = (runId: string, sha256: string) => `${runId}/artifacts/${sha256.slice(0, 2)}/${sha256}`;

function codePath(runId: string, c: CandidateRecord): string {
  return artifactPath(runId, c.code.sha256);
}

function pickReport(runId: string, events: readonly JournalEvent[], state: RunState): PickReport | null {
  // HCE's checkpoint rule at the end of the run: the same pick the ablation tables use.
  const p = pickAt(events, Infinity);
  const c = p.candidateId ? state.candidates.get(p.candidateId) : undefined;
  if (!c) return null;
  return {
    candidateId: c.id,
    operator: c.operator,
    ...pickScores(p),
    leaderboard: leaderboardOf(c),
    activeMs: c.timings.activeMs,
    workerId: c.workerId,
    summary: c.summary,
    code: codePath(runId, c),
    predictions: c.artifacts[PREDICTION_FILES.test]
      ? artifactPath(runId, c.artifacts[PREDICTION_FILES.test]!.sha256)
      : null,
  };
}

export function beats(score: number | null, baseline: Baseline | null): boolean | null {
  if (score === null || !baseline) return null;
  return baseline.lowerIsBetter ? score < baseline.score : score > baseline.score;
}

function bestSearch(state: RunState, direction: Direction): { candidateId: string; score: number } | null {
  let best: { candidateId: string; score: number } | null = null;
  for (const c of state.candidates.values()) {
    const s = num(c.scores.search);
    if (!c.scores.valid || s === null) continue;
    if (!best || (direction === 'maximize' ? s > best.score : s < best.score))
      best = { candidateId: c.id, score: s };
  }
  return best;
}

/** What a run's report is made from: its journal's events (and their replay), read by whoever holds them. */
export interface RunInput {
  run: { runId: string; competition: string | null; seed: number };
  events: readonly JournalEvent[];
  state: RunState;
  manifest: { agent?: string; evaluator?: string };
  budgetMs: number;
  agentName?: string;
  /** The run's state when the caller knows it (a live coordinator); else from the journal. */
  status?: RunReport['state'];
}

/** One run's part of the report from events already read (the dashboard keeps them as it tails). */
export function buildRunReport(i: RunInput, o: ReportOptions = {}): RunReport {
  const { run, events, state } = i;
  const direction = directionOf(state);
  const candidates = [...state.candidates.values()];
  const pick = events.length ? pickReport(run.runId, events, state) : null;
  const baseline = run.competition ? (o.baseline?.(run.competition) ?? null) : null;
  return {
    runId: run.runId,
    competition: run.competition,
    seed: run.seed,
    state: i.status ?? (events.length === 0 ? 'not started' : state.ended ? 'ended' : 'interrupted'),
    endReason: state.ended?.reason ?? null,
    direction,
    agent: i.manifest.agent ?? i.agentName ?? 'unknown',
    // run.prepared names it; journals written before it have only the run's manifest.
    evaluator: state.prepared?.evaluator ?? i.manifest.evaluator ?? 'unknown',
    activeMs: state.activeMs,
    budgetMs: i.budgetMs,
    jobs: state.jobs.size,
    candidates: candidates.length,
    valid: candidates.filter((c) => c.scores.valid).length,
    bestSearch: bestSearch(state, direction),
    pick,
    baseline,
    beatsBaseline: beats(pick?.test ?? null, baseline),
    series: scoreSeries(candidates, direction, state.activeMs),
    lineage: pick ? lineageOf(pick.candidateId, state.candidates) : [],
    protection: protectionOf(events),
    spend: spendOf(events).total,
    workerLosses: workerLossesOf(events),
  };
}

function runReport(
  dir: string,
  doc: StudyDoc,
  run: StudyDoc['runs'][number],
  status: RunStatus | undefined,
  o: ReportOptions,
): RunReport {
  const runDir = join(dir, run.runId);
  const { events } = readJournal(join(runDir, 'journal.jsonl'));
  return buildRunReport(
    {
      run,
      events,
      state: replay(events),
      manifest: readRunManifest(runDir),
      budgetMs: doc.config.budget?.wallClock ?? 0,
      agentName: doc.config.agent?.name,
      status: status?.state,
    },
    o,
  );
}

function workerLossesOf(events: readonly JournalEvent[]): RunReport['workerLosses'] {
  const out: RunReport['workerLosses'] = [];
  for (const e of events) {
    if (e.type === 'worker.lost') out.push({ workerId: e.workerId, reason: e.reason, replacedBy: null });
    if (e.type === 'worker.joined' && e.replaces) {
      const lost = out.find((l) => l.workerId === e.replaces && l.replacedBy === null);
      if (lost) lost.replacedBy = e.workerId;
    }
  }
  return out;
}

function agentText(doc: StudyDoc, o: ReportOptions): string {
  const name = doc.config.agent?.name ?? 'unknown';
  const described = o.describeAgent?.(name) ?? name;
  const model = doc.config.llm?.model;
  return name === 'react' || name === 'operators'
    ? `${described} (model ${model ?? 'unset'} at ${doc.config.llm?.baseUrl ?? 'unset'})`
    : described;
}

/** Reads a study folder (study.json and each run's journal) into the report model. */
export function buildStudyReport(dir: string, o: ReportOptions = {}): StudyReport {
  const doc = readStudy(dir);
  let statuses: RunStatus[] = [];
  try {
    statuses = studyStatus(dir).runs;
  } catch {
    /* a study folder from another machine: states come from the journals alone */
  }
  const runs = doc.runs.map((r) =>
    runReport(
      dir,
      doc,
      r,
      statuses.find((s) => s.runId === r.runId),
      o,
    ),
  );
  const sandboxes = [...new Set(runs.flatMap((r) => r.protection.sandboxes))].sort();
  const medals: Record<Medal, number> = { gold: 0, silver: 0, bronze: 0 };
  for (const r of runs) if (r.pick?.medal) medals[r.pick.medal]++;
  const ranked = runs.filter((r) => r.competition !== null);
  return {
    format: REPORT_FORMAT,
    studyId: doc.studyId,
    createdAt: doc.createdAt,
    generatedAt: (o.now?.() ?? new Date()).toISOString(),
    airaVersion: doc.airaVersion,
    suite: doc.config.suite ?? null,
    agent: agentText(doc, o),
    search: doc.config.search?.policy ?? 'unknown',
    budgetMs: doc.config.budget?.wallClock ?? 0,
    protection: {
      sandboxes,
      protected:
        sandboxes.length > 0 &&
        runs.every((r) => r.protection.sandboxes.length === 0 || r.protection.protected),
    },
    runs,
    summary: {
      runs: runs.length,
      ended: runs.filter((r) => r.state === 'ended').length,
      picked: runs.filter((r) => r.pick).length,
      medals,
      meanPercentileRank: ranked.length
        ? ranked.reduce((s, r) => s + (r.pick?.percentileRank ?? 0), 0) / ranked.length
        : null,
      beatBaseline: runs.filter((r) => r.beatsBaseline === true).length,
      withBaseline: runs.filter((r) => r.baseline).length,
      spend: runs.reduce((t, r) => addSpend(t, r.spend), noSpend()),
    },
  };
}
