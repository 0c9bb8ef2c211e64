import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  competitionReport,
  gradingReport,
  readLeaderboard,
  type GradingReport,
  type Leaderboard,
} from '@aira/grading';
import type { StudyReport } from './types.js';

/** Where a study's MLE-bench grading report goes, relative to the study folder. */
export const MLEBENCH_REPORT = 'mlebench/grading_report.json';
/** The picks' test predictions as `mlebench grade --submission` reads them. */
export const MLEBENCH_SUBMISSIONS = 'mlebench/submissions.jsonl';

/** A pick's test predictions copied as a `.csv` (MLE-bench grades only `.csv` files), relative to the study folder. */
const submissionOf = (runId: string) => `mlebench/submissions/${runId}.csv`;

/** True when the study ran MLE-bench competitions (a pick ranked on MLE-bench's leaderboard, or an mlebench-* suite). */
export function isMlebenchStudy(r: StudyReport): boolean {
  return (
    /(^|\/)mlebench[-\w]*(\.ya?ml)?$/.test(r.suite ?? '') ||
    r.runs.some((run) => run.pick?.leaderboard?.kind === 'mlebench')
  );
}

/**
 * The study's picks in MLE-bench's grading-report format (docs/mlebench-grading.md): one
 * competition report per run (each seed its own entry, as `mlebench grade` writes a run group),
 * the test score of the run's final pick ranked on the competition's leaderboard; a run without a
 * valid pick counts as no submission (percentile 0, no medal).
 */
export function studyGradingReport(r: StudyReport, studyDir: string): GradingReport {
  const boards = new Map<string, Leaderboard | null>();
  const board = (file: string, exact: boolean): Leaderboard | null => {
    if (!boards.has(file)) {
      try {
        boards.set(file, readLeaderboard(file, exact));
      } catch {
        boards.set(file, null);
      }
    }
    return boards.get(file)!;
  };
  const reports = r.runs
    .filter((run) => run.competition)
    .map((run) => {
      const p = run.pick;
      const lb = p?.leaderboard?.file ? board(p.leaderboard.file, p.leaderboard.exact ?? true) : null;
      return competitionReport({
        competitionId: run.competition!,
        score: p?.test ?? null,
        leaderboard: lb,
        submissionExists: Boolean(p?.predictions && existsSync(join(studyDir, p.predictions))),
        submissionPath: p?.predictions ? submissionOf(run.runId) : '',
        createdAt: r.generatedAt,
        percentileRank: p?.percentileRank ?? 0,
      });
    });
  return gradingReport(reports);
}

/** Writes mlebench/grading_report.json and mlebench/submissions.jsonl into the study folder; returns the report file. */
export function writeMlebenchReport(r: StudyReport, studyDir: string): string {
  const g = studyGradingReport(r, studyDir);
  rmSync(join(studyDir, 'mlebench'), { recursive: true, force: true });
  mkdirSync(join(studyDir, 'mlebench', 'submissions'), { recursive: true });
  for (const run of r.runs) {
    const from = run.pick?.predictions ? join(studyDir, run.pick.predictions) : null;
    if (from && existsSync(from)) copyFileSync(from, join(studyDir, submissionOf(run.runId)));
  }
  const file = join(studyDir, MLEBENCH_REPORT);
  writeFileSync(file, `${JSON.stringify(g, null, 2)}\n`);
  // Paths relative to the JSONL's own folder.
  const lines = g.competition_reports
    .filter((c) => c.submission_exists)
    .map((c) =>
      JSON.stringify({
        competition_id: c.competition_id,
        submission_path: c.submission_path.replace(/^mlebench\//, ''),
      }),
    );
  writeFileSync(join(studyDir, MLEBENCH_SUBMISSIONS), lines.length ? `${lines.join('\n')}\n` : '');
  return file;
}
