import { jpeg } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { level, paths, testCount } from './common.js';

const LABELS = ['bacterial_leaf_blight', 'blast', 'brown_spot', 'dead_heart', 'hispa', 'normal', 'tungro'];
const VARIETIES = ['ADT45', 'IR20', 'KarnatakaPonni', 'Zonal'];

/**
 * train.csv (image_id, label, variety, age), train_images/<label>/<image_id>, flat
 * test_images/<image_id>; answers private/test.csv (full rows); sample label empty. 25 % test.
 */
export const paddyDiseaseClassification: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = Array.from(
    { length: size + testCount(size, 0.25) },
    (_, i) =>
      [
        `${100000 + i * 7 + rng.int(7)}.jpg`,
        rng.pick(LABELS),
        rng.pick(VARIETIES),
        45 + 5 * rng.int(10),
      ] as const,
  );
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['image_id', 'label', 'variety', 'age'], train);
  writeCsv(
    pub('sample_submission.csv'),
    ['image_id', 'label'],
    test.map((r) => [r[0], '']),
  );
  writeCsv(priv('test.csv'), ['image_id', 'label', 'variety', 'age'], test);
  for (const r of train) writeFile(pub('train_images', r[1], r[0]), jpeg(level(rng)));
  for (const r of test) writeFile(pub('test_images', r[0]), jpeg(level(rng)));
};
