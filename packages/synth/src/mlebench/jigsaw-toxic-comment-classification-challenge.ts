import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, paths, sentence, testCount, WORDS } from './common.js';

const CLASSES = ['toxic', 'severe_toxic', 'obscene', 'threat', 'insult', 'identity_hate'];

/**
 * train.csv (id, comment_text, six labels), test.csv (id, comment_text); answers private/test.csv
 * (Kaggle's test labels: -1 in every column for rows not scored); sample 0.5.
 */
export const jigsawToxicCommentClassificationChallenge: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  // Each label on about half the rows: small hidden parts still hold both classes of every column (AUC needs them).
  const labels = () => CLASSES.map(() => (rng.float() < 0.5 ? 1 : 0));
  const all = hexIds(rng, size + testCount(size), 16).map(
    (id) => [id, sentence(rng, WORDS, 3, 12), ...labels()] as const,
  );
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['id', 'comment_text', ...CLASSES], train);
  writeCsv(
    pub('test.csv'),
    ['id', 'comment_text'],
    test.map((r) => [r[0], r[1]]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', ...CLASSES],
    test.map((r) => [r[0], ...CLASSES.map(() => 0.5)]),
  );
  // A few unscored rows (-1), never all: MLE-bench keeps Kaggle's test labels as they are.
  writeCsv(
    priv('test.csv'),
    ['id', ...CLASSES],
    test.map((r, i) => [r[0], ...(i % 7 === 6 ? CLASSES.map(() => -1) : r.slice(2))]),
  );
};
