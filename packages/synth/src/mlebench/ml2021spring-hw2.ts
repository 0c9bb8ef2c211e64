import { npy } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, testCount } from './common.js';

const FEATURES = 429; // 11 frames × 39 MFCC values
const CLASSES = 39;

/**
 * timit_11/timit_11/{train_11.npy (float32 frames × 429), train_label_11.npy, test_11.npy}; answers
 * private/answers.csv (Id from 0, ClassId); sampleSubmission.csv ClassId 0. `size` counts frames.
 */
export const ml2021springHw2: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const nTest = testCount(size, 0.27);
  const frames = (n: number) =>
    npy(
      [n, FEATURES],
      Float32Array.from({ length: n * FEATURES }, () => rng.normal()),
    );
  const dir = (f: string) => pub('timit_11', 'timit_11', f);
  writeFile(dir('train_11.npy'), frames(size));
  // Kaggle's labels are stored as strings ('<U2'); int64 keeps this writer simple and numpy reads both.
  writeFile(
    dir('train_label_11.npy'),
    npy(
      [size],
      Array.from({ length: size }, () => rng.int(CLASSES)),
      '<i8',
    ),
  );
  writeFile(dir('test_11.npy'), frames(nTest));
  const answers = Array.from({ length: nTest }, (_, i) => [i, rng.int(CLASSES)] as const);
  writeCsv(priv('answers.csv'), ['Id', 'ClassId'], answers);
  writeCsv(
    pub('sampleSubmission.csv'),
    ['Id', 'ClassId'],
    answers.map(([i]) => [i, 0]),
  );
};
