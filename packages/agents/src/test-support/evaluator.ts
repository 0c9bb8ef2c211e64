import type { EvaluatorFactory, Submission } from '@aira/coordinator';
import type { Dataset, PublicFolder } from './datasets.js';
import { InvalidPredictions, readPredictions } from './metrics.js';

type Metric = (answers: Map<string, string>, predicted: Map<string, number[]>) => number;

/**
 * A small stand-in for HCE in the agent's tests: the data folder is the public folder the test
 * wrote, the task description names one prediction file per split, and search / validation /
 * test are graded here against answers the session never sees.
 */
export function hiddenSplitEvaluator(ds: Dataset, pub: PublicFolder, metric: Metric): EvaluatorFactory {
  return () => ({
    name: 'test-hidden-splits',
    prepare: async ({ competition }) => ({
      competition,
      direction: ds.direction,
      dataPath: pub.dir,
      description: pub.description,
    }),
    evaluate: async (submission: Submission) => {
      if (submission.failure) return { valid: false, search: null, reason: submission.failure };
      const scores: Record<string, number> = {};
      try {
        for (const split of ['search', 'validation', 'test'] as const) {
          const file = submission.files.find((f) => f.path === `submission/${split}.csv`);
          if (!file) throw new InvalidPredictions(`no submission/${split}.csv`);
          scores[split] = metric(pub.answers[split], readPredictions(file.data.toString('utf8')).rows);
        }
      } catch (err) {
        if (err instanceof InvalidPredictions) return { valid: false, search: null, reason: err.message };
        throw err;
      }
      return { valid: true, search: scores.search!, validation: scores.validation!, test: scores.test! };
    },
  });
}
