import { png } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, testCount } from './common.js';

const SIDE = 8;

/**
 * train/<n>.png (noisy scans), train_cleaned/<n>.png (their clean targets), test/<n>.png; answers
 * private/answers.csv melted to one row per pixel (id = <n>_<row>_<col>, value = intensity / 255),
 * sampleSubmission.csv the same ids with value 1 (20 % of the images are test). `size` counts images.
 */
export const denoisingDirtyDocuments: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const images = Array.from({ length: size + testCount(size, 0.2) }, (_, i) => ({
    n: 2 + i * 3,
    clean: 200 + rng.int(56),
    noisy: 60 + rng.int(140),
  }));
  const train = images.slice(0, size);
  const test = images.slice(size);
  for (const im of train) {
    writeFile(pub('train', `${im.n}.png`), png(im.noisy, SIDE));
    writeFile(pub('train_cleaned', `${im.n}.png`), png(im.clean, SIDE));
  }
  for (const im of test) writeFile(pub('test', `${im.n}.png`), png(im.noisy, SIDE));
  const pixels = (f: (im: (typeof test)[number]) => number | string) =>
    test.flatMap((im) =>
      Array.from({ length: SIDE * SIDE }, (_, k) => [
        `${im.n}_${Math.floor(k / SIDE) + 1}_${(k % SIDE) + 1}`,
        f(im),
      ]),
    );
  writeCsv(
    priv('answers.csv'),
    ['id', 'value'],
    pixels((im) => im.clean / 255),
  );
  writeCsv(
    pub('sampleSubmission.csv'),
    ['id', 'value'],
    pixels(() => 1),
  );
};
