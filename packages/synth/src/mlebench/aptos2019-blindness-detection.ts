import { png } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, level, paths, testCount } from './common.js';

/** train.csv (id_code, diagnosis 0–4), test.csv, <id_code>.png images; answers private/test.csv. */
export const aptos2019BlindnessDetection: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const ids = hexIds(rng, size + testCount(size), 12);
  const all = ids.map((id) => [id, rng.int(5)] as const);
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['id_code', 'diagnosis'], train);
  writeCsv(
    pub('test.csv'),
    ['id_code'],
    test.map((r) => [r[0]]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id_code', 'diagnosis'],
    test.map((r) => [r[0], 0]),
  );
  writeCsv(priv('test.csv'), ['id_code', 'diagnosis'], test);
  for (const [id] of train) writeFile(pub('train_images', `${id}.png`), png(level(rng)));
  for (const [id] of test) writeFile(pub('test_images', `${id}.png`), png(level(rng)));
};
