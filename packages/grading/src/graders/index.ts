import { UserError } from '@aira/core/errors';
import { accuracyGraders } from './accuracy.js';
import { aucGraders } from './auc.js';
import { classificationGraders } from './classification.js';
import { loglossGraders } from './logloss.js';
import { otherGraders } from './other.js';
import { rankingGraders } from './ranking.js';
import { regressionGraders } from './regression.js';
import { segmentationGraders } from './segmentation.js';
import { textGraders } from './text.js';
import type { Grader } from './types.js';

const ALL: Grader[] = [
  ...aucGraders,
  ...loglossGraders,
  ...accuracyGraders,
  ...regressionGraders,
  ...rankingGraders,
  ...classificationGraders,
  ...textGraders,
  ...segmentationGraders,
  ...otherGraders,
];

const BY_ID = new Map(ALL.map((g) => [g.id, g]));

/** Ids of every competition with a grader: MLE-bench-30 ∪ Lite ∪ the 7 dev competitions (54). */
export const GRADED_COMPETITIONS: readonly string[] = ALL.map((g) => g.id).sort();

/** The grader for one competition id; a one-line error for an id without one. */
export function metricFor(competitionId: string): Grader {
  const g = BY_ID.get(competitionId);
  if (!g)
    throw new UserError(
      `no grader for competition "${competitionId}" (graded: MLE-bench-30, MLE-bench Lite and the 7 dev competitions; ${GRADED_COMPETITIONS.length} ids)`,
    );
  return g;
}

export type { Answers, Grader, JsonRecord } from './types.js';
