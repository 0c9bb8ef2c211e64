import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Competition } from '@aira/competitions';
import type { SessionFile, Submission } from '@aira/coordinator';
import { medalOf, percentileRank, rankOnLeaderboard, readLeaderboard, type Leaderboard } from '@aira/grading';
import { PREDICTION_FILES } from './description.js';
import type { SplitGrade, TestGrade } from './details.js';
import type { HiddenPart } from './split/labelled.js';

export type Split = HiddenPart | 'test';

export type { SplitGrade, TestGrade } from './details.js';

/** The prediction file of a split among the files a submission brought back (session-relative paths). */
export function predictionFile(files: readonly SessionFile[], split: Split): SessionFile | undefined {
  const want = PREDICTION_FILES[split];
  return files.find((f) => f.path.replace(/^\.\//, '') === want);
}

function tail(text: string, lines = 5): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Why a split has no grade: the file is missing (and, when it failed, how the solution ended). */
export function missingReason(submission: Submission, split: Split): string {
  const base = `no ${PREDICTION_FILES[split]} was written`;
  if (submission.failure) return `${base} (${submission.failure})`;
  if (submission.exitCode !== 0)
    return `${base} (the solution exited with code ${submission.exitCode}: ${tail(submission.output)})`;
  return base;
}

/**
 * Grades prediction files with the competition's grader in this process (or the Python child the
 * competition's grader runs), never on a worker (docs/paper.md §HCE, who computes the score).
 */
export async function gradeFiles(
  c: Competition,
  submission: Submission,
  answers: Partial<Record<Split, string>>,
): Promise<Partial<Record<Split, SplitGrade>>> {
  const out: Partial<Record<Split, SplitGrade>> = {};
  const scratch = mkdtempSync(join(tmpdir(), 'aira-hce-grade-'));
  try {
    for (const split of Object.keys(answers) as Split[]) {
      const file = predictionFile(submission.files, split);
      if (!file) {
        out[split] = { score: null, valid: false, reason: missingReason(submission, split) };
        continue;
      }
      const path = join(scratch, `${split}.csv`);
      writeFileSync(path, file.data);
      const g = await c.grade(path, answers[split]!);
      out[split] =
        g.valid && g.score !== null
          ? { score: g.score, valid: true }
          : {
              score: null,
              valid: false,
              reason: `${PREDICTION_FILES[split]} is invalid: ${g.error ?? 'no score'}`,
            };
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return out;
}

/** Loads a competition's leaderboard once (null when it has none or it cannot be read). */
export function leaderboardLoader(c: Competition): () => Leaderboard | null {
  let lb: Leaderboard | null | undefined;
  return () => {
    if (lb !== undefined) return lb;
    try {
      lb = c.leaderboard ? readLeaderboard(c.leaderboard.file, c.leaderboard.exact) : null;
    } catch {
      lb = null;
    }
    return lb;
  };
}

/** Adds percentile rank and medals on the competition's leaderboard to a test grade. */
export function rankTest(c: Competition, g: SplitGrade, lb: Leaderboard | null): TestGrade {
  if (!lb) return { ...g, percentileRank: null, medal: null, aboveMedian: null, leaderboard: null };
  const r = rankOnLeaderboard(g.valid ? g.score : null, lb);
  return {
    ...g,
    percentileRank: percentileRank(g.valid ? g.score : null, lb),
    medal: medalOf(r),
    aboveMedian: r.above_median,
    leaderboard: { kind: c.manifest.leaderboard.kind, file: lb.path, exact: lb.exact },
  };
}
