import { tiff } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, level, paths, testCount } from './common.js';

/** train_labels.csv (id, label), train/<id>.tif, test/<id>.tif; answers private/answers.csv; sample label 0. */
export const histopathologicCancerDetection: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = hexIds(rng, size + testCount(size, 0.2), 40).map(
    (id) => [id, rng.float() < 0.4 ? 1 : 0] as const,
  );
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train_labels.csv'), ['id', 'label'], train);
  writeCsv(
    pub('sample_submission.csv'),
    ['id', 'label'],
    test.map(([id]) => [id, 0]),
  );
  writeCsv(priv('answers.csv'), ['id', 'label'], test);
  for (const [id] of train) writeFile(pub('train', `${id}.tif`), tiff(level(rng)));
  for (const [id] of test) writeFile(pub('test', `${id}.tif`), tiff(level(rng)));
};
