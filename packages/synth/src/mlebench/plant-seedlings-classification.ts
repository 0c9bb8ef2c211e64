import { png } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, level, paths, testCount } from './common.js';

const SPECIES = ['Black-grass', 'Charlock', 'Cleavers', 'Common Chickweed', 'Maize', 'Sugar beet'];

/** train/<species>/<file>.png, flat test/<file>.png; answers private/answers.csv (file, species); sample species "Sugar beet". 14 % test. */
export const plantSeedlingsClassification: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = hexIds(rng, size + testCount(size, 0.14), 9).map(
    (id) => [`${id}.png`, rng.pick(SPECIES)] as const,
  );
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(priv('answers.csv'), ['file', 'species'], test);
  writeCsv(
    pub('sample_submission.csv'),
    ['file', 'species'],
    test.map(([f]) => [f, 'Sugar beet']),
  );
  for (const [f, s] of train) writeFile(pub('train', s, f), png(level(rng)));
  for (const [f] of test) writeFile(pub('test', f), png(level(rng)));
};
