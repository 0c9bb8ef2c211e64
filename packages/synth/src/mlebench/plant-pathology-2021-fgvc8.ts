import { jpeg } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, level, paths, testCount } from './common.js';

const LABELS = [
  'healthy',
  'scab',
  'frog_eye_leaf_spot',
  'rust',
  'complex',
  'powdery_mildew',
  'scab frog_eye_leaf_spot',
  'rust frog_eye_leaf_spot',
];

/** train.csv (image with ".jpg", labels space-separated), train_images/, test_images/; no public test.csv; answers private/answers.csv (20 %). */
export const plantPathology2021Fgvc8: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = hexIds(rng, size + testCount(size, 0.2), 16).map(
    (id) => [`${id}.jpg`, rng.pick(LABELS)] as const,
  );
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['image', 'labels'], train);
  writeCsv(
    pub('sample_submission.csv'),
    ['image', 'labels'],
    test.map(([id]) => [id, 'healthy']),
  );
  writeCsv(priv('answers.csv'), ['image', 'labels'], test);
  for (const [id] of train) writeFile(pub('train_images', id), jpeg(level(rng)));
  for (const [id] of test) writeFile(pub('test_images', id), jpeg(level(rng)));
};
