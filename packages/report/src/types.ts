import type { Direction } from '@aira/core';
import type { Medal } from '@aira/grading';
import type { PickScores } from '@aira/hce';

/**
 * The study report's data model (`report.json`): everything the renderers show, built from the
 * study folder's journals alone. Renderers (Markdown, HTML, plots) read only this.
 */

import type { Spend } from '@aira/coordinator';

export const REPORT_FORMAT = 'aira.report/1';

export type { Direction, Medal };

/** A competition's trivial baseline (majority class, class prior, constant, mean) on its test split. */
export interface Baseline {
  score: number;
  lowerIsBetter: boolean;
  /** What the baseline is, e.g. "majority class". */
  model: string;
}

/** Whether candidate code could read the hidden answers (docs/words.md §Sandbox). */
export interface Protection {
  /** Sandbox mechanisms the run's workers reported ("none" without one). */
  sandboxes: string[];
  /** True only when every worker had a sandbox that keeps hidden data away from candidate code. */
  protected: boolean;
}

export interface LeaderboardRef {
  /** "reference leaderboard" (plugins with their own, e.g. plugins/mini) or the MLE-bench (Kaggle) one. */
  label: string;
  kind: string;
  file: string;
  /** False when the file only approximates the competition's leaderboard (MLE-bench marks a few so). */
  exact?: boolean;
}

/** The submission of a run (docs/paper.md §HCE: best validation score, no retraining). */
export interface PickReport extends PickScores {
  candidateId: string;
  operator: string;
  leaderboard: LeaderboardRef | null;
  /** Active time (ms) when the candidate was added. */
  activeMs: number;
  workerId: string;
  summary?: string;
  /** The solution's code, relative to the study folder. */
  code: string;
  /** The pick's test predictions (what MLE-bench would grade), relative to the study folder; null when it wrote none. */
  predictions?: string | null;
}

/** One point of a score-over-time series (active time of the run). */
export interface SeriesPoint {
  activeMs: number;
  score: number;
}

/**
 * The scores of a run over its active time: the best search score so far (what the search
 * optimises), and the validation and test score of the submission the run would have made then.
 */
export interface ScoreSeries {
  search: SeriesPoint[];
  validation: SeriesPoint[];
  test: SeriesPoint[];
}

/** A candidate on the final pick's lineage, with its own parents (a crossover has two). */
export interface LineageNode {
  id: string;
  operator: string;
  parents: string[];
  search: number | null;
  validation: number | null;
  test: number | null;
  activeMs: number;
  workerId: string;
  summary?: string;
}

export interface RunReport {
  runId: string;
  competition: string | null;
  seed: number;
  state: 'not started' | 'running' | 'ended' | 'stopped' | 'interrupted' | 'corrupt';
  endReason: string | null;
  direction: Direction;
  agent: string;
  evaluator: string;
  /** Active time the run used, and its budget (ms). */
  activeMs: number;
  budgetMs: number;
  jobs: number;
  candidates: number;
  valid: number;
  bestSearch: { candidateId: string; score: number } | null;
  pick: PickReport | null;
  baseline: Baseline | null;
  /** Whether the pick's test score beats the trivial baseline; null when either is unknown. */
  beatsBaseline: boolean | null;
  series: ScoreSeries;
  /** The final pick and its ancestors, the pick first, each once. */
  lineage: LineageNode[];
  protection: Protection;
  /** LLM spending (tokens, USD) from the run's cost events. */
  spend: Spend;
  /** Workers lost during the run, why, and which worker replaced each (local daemons whose process ended). */
  workerLosses: Array<{ workerId: string; reason: string; replacedBy: string | null }>;
  /** Plot file relative to the study folder, once rendered. */
  plot?: string;
}

export interface StudyReport {
  format: typeof REPORT_FORMAT;
  studyId: string;
  createdAt: string;
  generatedAt: string;
  airaVersion: string;
  suite: string | null;
  /** The agent as people should read it (e.g. "template (LLM-free: …)"). */
  agent: string;
  search: string;
  budgetMs: number;
  protection: Protection;
  runs: RunReport[];
  summary: {
    runs: number;
    ended: number;
    picked: number;
    medals: Record<Medal, number>;
    /** Mean Percentile Rank over runs (no pick counts as 0, docs/mlebench-grading.md §Percentile rank). */
    meanPercentileRank: number | null;
    beatBaseline: number;
    withBaseline: number;
    /** LLM spending of all runs. */
    spend: Spend;
  };
}
