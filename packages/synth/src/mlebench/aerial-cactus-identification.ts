import { jpeg } from '../media.js';
import { writeCsv, writeZip } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, level, paths, testCount } from './common.js';

/** train.csv (id with ".jpg", has_cactus), train.zip (train/<id>) and test.zip (test/<id>); answers private/test.csv (19 %). */
export const aerialCactusIdentification: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = hexIds(rng, size + testCount(size, 0.19), 32).map(
    (id) => [`${id}.jpg`, rng.float() < 0.75 ? 1 : 0] as const,
  );
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['id', 'has_cactus'], train);
  writeCsv(
    pub('sample_submission.csv'),
    ['id', 'has_cactus'],
    test.map(([id]) => [id, 0.5]),
  );
  writeCsv(priv('test.csv'), ['id', 'has_cactus'], test);
  writeZip(pub('train.zip'), Object.fromEntries(train.map(([id]) => [`train/${id}`, jpeg(level(rng))])));
  writeZip(pub('test.zip'), Object.fromEntries(test.map(([id]) => [`test/${id}`, jpeg(level(rng))])));
};
