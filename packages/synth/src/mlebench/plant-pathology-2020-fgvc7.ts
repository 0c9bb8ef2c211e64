import { jpeg } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { level, oneHot, paths, testCount } from './common.js';

const CLASSES = ['healthy', 'multiple_diseases', 'rust', 'scab'];

/** train.csv (image_id Train_<i>, one-hot of 4 classes), test.csv (image_id Test_<i>), images/<image_id>.jpg; answers private/test.csv; sample 0.25. */
export const plantPathology2020Fgvc7: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const row = (id: string) => [id, ...oneHot(CLASSES, rng.pick(CLASSES))] as const;
  const train = Array.from({ length: size }, (_, i) => row(`Train_${i}`));
  const test = Array.from({ length: testCount(size) }, (_, i) => row(`Test_${i}`));
  writeCsv(pub('train.csv'), ['image_id', ...CLASSES], train);
  writeCsv(
    pub('test.csv'),
    ['image_id'],
    test.map((r) => [r[0]]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['image_id', ...CLASSES],
    test.map((r) => [r[0], ...CLASSES.map(() => 0.25)]),
  );
  writeCsv(priv('test.csv'), ['image_id', ...CLASSES], test);
  for (const r of [...train, ...test]) writeFile(pub('images', `${r[0]}.jpg`), jpeg(level(rng)));
};
