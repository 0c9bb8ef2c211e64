import { jpeg } from '../media.js';
import { writeCsv, writeZip } from '../write.js';
import type { SynthWriter } from '../types.js';
import { level, paths, testCount } from './common.js';

/**
 * train.zip (train/cat.<n>.jpg, train/dog.<n>.jpg, numbered per animal), test.zip (test/<n>.jpg from
 * 1); answers private/answers.csv (id, label 1 = dog); sample label 0.5.
 */
export const dogsVsCatsReduxKernelsEdition: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const counters = { cat: 0, dog: 0 };
  const train: Record<string, Buffer> = {};
  for (let i = 0; i < size; i++) {
    const animal = rng.float() < 0.5 ? 'cat' : 'dog';
    train[`train/${animal}.${counters[animal]++}.jpg`] = jpeg(level(rng));
  }
  const test = Array.from({ length: testCount(size) }, (_, i) => [i + 1, rng.int(2)] as const);
  writeZip(pub('train.zip'), train);
  writeZip(pub('test.zip'), Object.fromEntries(test.map(([id]) => [`test/${id}.jpg`, jpeg(level(rng))])));
  writeCsv(priv('answers.csv'), ['id', 'label'], test);
  writeCsv(
    pub('sample_submission.csv'),
    ['id', 'label'],
    test.map(([id]) => [id, 0.5]),
  );
};
