import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ArtifactStore, readJournal, type CandidateRecord } from '@aira/coordinator';
import { PREDICTION_FILES } from '@aira/hce';
import { percentileRank, rankOnLeaderboard, readLeaderboard, type Leaderboard, type RankInfo } from '@aira/grading';
import type { CellResult } from '../aggregate/cells.js';
import { ablationPaths, cellJournal, runIdOf } from '../study/files.js';
import type { AblationReport } from './types.js';

/** MLE-bench's per-competition report (reference/mlebench.md §2.3), plus aira's percentile_rank as `aira grade` adds it. */
export interface CompetitionReport {
  competition_id: string;
  score: number | null;
  gold_threshold: number | null;
  silver_threshold: number | null;
  bronze_threshold: number | null;
  median_threshold: number | null;
  any_medal: boolean;
  gold_medal: boolean;
  silver_medal: boolean;
  bronze_medal: boolean;
  above_median: boolean;
  submission_exists: boolean;
  valid_submission: boolean;
  is_lower_better: boolean | null;
  created_at: string;
  submission_path: string;
  percentile_rank: number;
}

/** MLE-bench's grading report file (`grade_jsonl`'s output, §2.3). */
export interface GradingReport {
  total_runs: number;
  total_runs_with_submissions: number;
  total_valid_submissions: number;
  total_medals: number;
  total_gold_medals: number;
  total_silver_medals: number;
  total_bronze_medals: number;
  total_above_median: number;
  competition_reports: CompetitionReport[];
}

export function gradingReport(reports: CompetitionReport[]): GradingReport {
  const n = (f: (r: CompetitionReport) => boolean) => reports.filter(f).length;
  return {
    total_runs: reports.length,
    total_runs_with_submissions: n((r) => r.submission_exists),
    total_valid_submissions: n((r) => r.valid_submission),
    total_medals: n((r) => r.any_medal),
    total_gold_medals: n((r) => r.gold_medal),
    total_silver_medals: n((r) => r.silver_medal),
    total_bronze_medals: n((r) => r.bronze_medal),
    total_above_median: n((r) => r.above_median),
    competition_reports: reports,
  };
}

/** A folder name for a checkpoint label ("25%" → "25pct"). */
export const checkpointFolder = (label: string) => label.replace(/%/g, 'pct').replace(/[^A-Za-z0-9._-]/g, '_');

export interface MlebenchExport {
  /** Grading report files written (one per cell and checkpoint, plus one per variant and checkpoint). */
  files: string[];
}

/**
 * Writes the study's picks in MLE-bench's grading-report format, so they can be checked with
 * MLE-bench's own tools: `mlebench/<checkpoint>/<cell>_grading_report.json` (one per cell),
 * `<variant>_grading_report.json` (the variant's cells together, one competition report per cell,
 * as `mlebench grade` writes a run group), and with `submissions`, the picks' test predictions as
 * `submissions/<cell>.csv` and a `submissions.jsonl` that `mlebench grade --submission` reads.
 */
export function exportMlebench(dir: string, report: AblationReport, options: { submissions?: boolean } = {}): MlebenchExport {
  const root = ablationPaths(dir).mlebench;
  rmSync(root, { recursive: true, force: true });
  const files: string[] = [];
  const boards = new Map<string, Leaderboard | null>();
  const board = (c: CellResult): Leaderboard | null => {
    if (!c.leaderboard) return null;
    if (!boards.has(c.leaderboard.file)) {
      try {
        boards.set(c.leaderboard.file, readLeaderboard(c.leaderboard.file, c.leaderboard.exact));
      } catch {
        boards.set(c.leaderboard.file, null);
      }
    }
    return boards.get(c.leaderboard.file)!;
  };
  const now = new Date().toISOString();
  const journals = new Map<string, Map<string, CandidateRecord>>();
  report.matrix.checkpoints.forEach((cp, i) => {
    const folder = join(root, checkpointFolder(cp.label));
    mkdirSync(folder, { recursive: true });
    const byVariant = new Map<string, CompetitionReport[]>();
    const lines: string[] = [];
    for (const c of report.cells) {
      if (c.state === 'pending' || !c.picks[i]!.reached) continue;
      const pick = c.picks[i]!;
      const candidate = pick.candidateId ? candidateOf(dir, c, pick.candidateId, journals) : null;
      const testFile = candidate?.artifacts[PREDICTION_FILES.test];
      const runDir = join(ablationPaths(dir).cell(c.cellId), runIdOf(c.competition, c.seed));
      let submissionPath = testFile ? join(runDir, 'artifacts', testFile.sha256.slice(0, 2), testFile.sha256) : '';
      if (options.submissions && testFile) {
        mkdirSync(join(folder, 'submissions'), { recursive: true });
        const copy = join(folder, 'submissions', `${c.cellId}.csv`);
        copyFileSync(new ArtifactStore(join(runDir, 'artifacts')).pathOf(testFile.sha256), copy);
        submissionPath = copy;
        lines.push(JSON.stringify({ competition_id: c.competition, submission_path: relative(folder, copy) }));
      }
      const lb = board(c);
      const rank: Partial<RankInfo> = lb ? rankOnLeaderboard(pick.test, lb) : {};
      const r: CompetitionReport = {
        competition_id: c.competition,
        score: pick.test,
        gold_threshold: rank.gold_threshold ?? null,
        silver_threshold: rank.silver_threshold ?? null,
        bronze_threshold: rank.bronze_threshold ?? null,
        median_threshold: rank.median_threshold ?? null,
        any_medal: rank.any_medal ?? false,
        gold_medal: rank.gold_medal ?? false,
        silver_medal: rank.silver_medal ?? false,
        bronze_medal: rank.bronze_medal ?? false,
        above_median: rank.above_median ?? false,
        submission_exists: Boolean(testFile),
        valid_submission: pick.test !== null,
        is_lower_better: rank.is_lower_better ?? null,
        created_at: now,
        submission_path: submissionPath ? relative(dir, submissionPath) : '',
        percentile_rank: lb ? percentileRank(pick.test, lb) : pick.percentileRank,
      };
      const file = join(folder, `${c.cellId}_grading_report.json`);
      writeFileSync(file, `${JSON.stringify(gradingReport([r]), null, 2)}\n`);
      files.push(file);
      byVariant.set(c.variant, [...(byVariant.get(c.variant) ?? []), r]);
    }
    for (const [variant, reports] of byVariant) {
      const file = join(folder, `${variant}_grading_report.json`);
      writeFileSync(file, `${JSON.stringify(gradingReport(reports), null, 2)}\n`);
      files.push(file);
    }
    if (lines.length) writeFileSync(join(folder, 'submissions.jsonl'), `${lines.join('\n')}\n`);
  });
  return { files };
}

function candidateOf(dir: string, c: CellResult, id: string, journals: Map<string, Map<string, CandidateRecord>>): CandidateRecord | null {
  const path = cellJournal(ablationPaths(dir).cell(c.cellId), c.competition, c.seed);
  let map = journals.get(path);
  if (!map) {
    map = new Map();
    for (const e of readJournal(path).events) if (e.type === 'candidate.added') map.set(e.candidate.id, e.candidate);
    journals.set(path, map);
  }
  return map.get(id) ?? null;
}
