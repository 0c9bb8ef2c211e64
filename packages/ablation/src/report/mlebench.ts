import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ArtifactStore, readJournal, type CandidateRecord } from '@aira/coordinator';
import { PREDICTION_FILES } from '@aira/hce';
import {
  competitionReport,
  gradingReport,
  readLeaderboard,
  type CompetitionReport,
  type Leaderboard,
} from '@aira/grading';
import type { CellResult } from '../aggregate/cells.js';
import { ablationPaths, cellJournal, runIdOf } from '../study/files.js';
import type { AblationReport } from './types.js';

export type { CompetitionReport, GradingReport } from '@aira/grading';

/** A folder name for a checkpoint label ("25%" → "25pct"). */
export const checkpointFolder = (label: string) =>
  label.replace(/%/g, 'pct').replace(/[^A-Za-z0-9._-]/g, '_');

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
export function exportMlebench(
  dir: string,
  report: AblationReport,
  options: { submissions?: boolean } = {},
): MlebenchExport {
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
      let submissionPath = testFile
        ? join(runDir, 'artifacts', testFile.sha256.slice(0, 2), testFile.sha256)
        : '';
      if (options.submissions && testFile) {
        mkdirSync(join(folder, 'submissions'), { recursive: true });
        const copy = join(folder, 'submissions', `${c.cellId}.csv`);
        copyFileSync(new ArtifactStore(join(runDir, 'artifacts')).pathOf(testFile.sha256), copy);
        submissionPath = copy;
        lines.push(
          JSON.stringify({ competition_id: c.competition, submission_path: relative(folder, copy) }),
        );
      }
      const r = competitionReport({
        competitionId: c.competition,
        score: pick.test,
        leaderboard: board(c),
        submissionExists: Boolean(testFile),
        submissionPath: submissionPath ? relative(dir, submissionPath) : '',
        createdAt: now,
        percentileRank: pick.percentileRank,
      });
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

function candidateOf(
  dir: string,
  c: CellResult,
  id: string,
  journals: Map<string, Map<string, CandidateRecord>>,
): CandidateRecord | null {
  const path = cellJournal(ablationPaths(dir).cell(c.cellId), c.competition, c.seed);
  let map = journals.get(path);
  if (!map) {
    map = new Map();
    for (const e of readJournal(path).events)
      if (e.type === 'candidate.added') map.set(e.candidate.id, e.candidate);
    journals.set(path, map);
  }
  return map.get(id) ?? null;
}
