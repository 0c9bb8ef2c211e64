import type { Manifest } from './manifest.js';
import type { LeaderboardThresholds, ScoreRank } from './rank.js';

/** What a code grader (`grader.kind: "code"`) receives: absolute file paths. */
export interface GradeInput {
  submission: string;
  answers: string;
  competition: Competition;
}

/** A grade as MLE-bench reports it (docs/mlebench-grading.md §Grading a submission): an invalid submission has score null. */
export interface GradeOutcome {
  score: number | null;
  valid: boolean;
  /** Why the submission is invalid (the grader's message), when it is. */
  error?: string;
}

/** What a custom splitter receives; it writes the HCE parts and says where the answers went. */
export interface SplitContext {
  competition: Competition;
  /** The prepared public folder: the labelled data the split is carved from. */
  source: string;
  /** Folder for what an agent may see (train with labels; search and validation inputs). */
  outPublic: string;
  /** Folder for what stays on the coordinator (search and validation answers). */
  outHidden: string;
  fractions: { train: number; search: number; validation: number };
  seed: number;
}

export interface SplitOutput {
  answers: { search: string; validation: string };
  /** Files listing the rows to predict, one per hidden part, in sample-submission format. */
  inputs?: { search: string; validation: string };
}

export interface PrepareContext {
  competition: Competition;
  /** `<data>/<id>` (MLE-bench's per-competition folder). */
  root: string;
  public: string;
  private: string;
}

/**
 * What a plugin's code module (`index.ts` / `index.js` beside the manifest) may export. Each is
 * optional; the manifest says which are required (a `code` grader needs `grade`, a `custom` split
 * needs `split`).
 */
export interface PluginCode {
  grade?: (input: GradeInput) => number | null | Promise<number | null>;
  split?: (ctx: SplitContext) => Promise<SplitOutput>;
  prepare?: (ctx: PrepareContext) => Promise<void>;
}

export interface CompetitionPaths {
  /** The data folder the competition was created against (MLE-bench's `--data-dir`). */
  dataDir: string;
  /** `<data>/<id>/prepared` (or the manifest's data.root). */
  prepared: string;
  public: string;
  private: string;
  answers: string;
  sampleSubmission: string;
  goldSubmission?: string;
  /** Folder holding the manifest (and the plugin code). */
  dir: string;
  manifest: string;
  leaderboard?: string;
  checksums?: string;
}

/** The leaderboard's rows as grading uses them, plus where they came from. */
export interface LeaderboardInfo {
  file: string;
  /** False for a substitute (e.g. ventilator-pressure-prediction's, docs/mlebench-grading.md §Medals). */
  exact: boolean;
  note?: string;
}

/** One competition, bound to a data folder: what the HCE and the coordinator work with. */
export interface Competition {
  id: string;
  manifest: Manifest;
  /** The plugin it came from (folder or package name). */
  plugin: string;
  paths: CompetitionPaths;
  leaderboard?: LeaderboardInfo;
  code: PluginCode;
  /**
   * Grades a submission CSV against answers (default: the prepared private answers). Never
   * throws for a bad submission: like MLE-bench, any grader error makes the score null.
   */
  grade(submission: string, answers?: string): Promise<GradeOutcome>;
  /**
   * Medal flags, thresholds and Percentile Rank of a (rounded) score on the leaderboard, by
   * MLE-bench's rules (docs/mlebench-grading.md §Medals, §Percentile rank); undefined when there is no leaderboard.
   */
  rank(score: number | null): ScoreRank | undefined;
  /** Team count and medal/median thresholds of the leaderboard; undefined without one. */
  thresholds(): LeaderboardThresholds | undefined;
  /** The plugin's own data preparation into paths.prepared, when its code exports prepare(). */
  prepare?: () => Promise<void>;
  /** The plugin's custom splitter, when the manifest's split.method is `custom` and code provides one. */
  split?: (ctx: Omit<SplitContext, 'competition'>) => Promise<SplitOutput>;
}
