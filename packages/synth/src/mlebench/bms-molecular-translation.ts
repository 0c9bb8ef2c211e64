import { png } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, level, paths, testCount } from './common.js';

const ATOMS = ['C', 'H', 'N', 'O', 'S', 'Cl'];
const inchi = (rng: { int(n: number): number; pick<T>(xs: readonly T[]): T }) =>
  `InChI=1S/C${1 + rng.int(20)}H${1 + rng.int(30)}${rng.pick(ATOMS)}${1 + rng.int(4)}/c1-${2 + rng.int(9)}-${3 + rng.int(9)}/h${1 + rng.int(9)}H`;

/**
 * train_labels.csv (image_id, InChI), extra_approved_InChIs.csv, images nested by the id's first
 * three characters (train/a/b/c/<image_id>.png); no public test.csv; answers private/test.csv (20 %).
 */
export const bmsMolecularTranslation: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = hexIds(rng, size + testCount(size, 0.2), 12).map((id) => [id, inchi(rng)] as const);
  const train = all.slice(0, size);
  const test = all.slice(size);
  const nested = (dir: string, id: string) => pub(dir, id[0]!, id[1]!, id[2]!, `${id}.png`);
  writeCsv(pub('train_labels.csv'), ['image_id', 'InChI'], train);
  writeCsv(
    pub('extra_approved_InChIs.csv'),
    ['InChI'],
    Array.from({ length: Math.ceil(size / 4) }, () => [inchi(rng)]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['image_id', 'InChI'],
    test.map(([id]) => [id, 'InChI=1S/H2O/h1H2']),
  );
  writeCsv(priv('test.csv'), ['image_id', 'InChI'], test);
  for (const [id] of train) writeFile(nested('train', id), png(level(rng)));
  for (const [id] of test) writeFile(nested('test', id), png(level(rng)));
};
