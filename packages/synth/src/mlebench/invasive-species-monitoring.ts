import { csvText, writeCsv, writeFile, writeZip } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, testCount } from './common.js';

/**
 * train_labels.csv.zip (name, invasive), sample_submission.csv.zip, train.7z and test.7z (<name>.jpg
 * images; their bytes here are a placeholder, not a 7z archive); answers private/answers.csv and
 * private/sample_submission.csv (invasive 0.5). 20 % of the images are test.
 */
export const invasiveSpeciesMonitoring: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = Array.from(
    { length: size + testCount(size, 0.2) },
    (_, i) => [1 + i, rng.float() < 0.6 ? 1 : 0] as const,
  );
  const train = all.slice(0, size);
  const test = all.slice(size);
  const sample = csvText(
    ['name', 'invasive'],
    test.map(([n]) => [n, 0.5]),
  );
  writeZip(pub('train_labels.csv.zip'), { 'train_labels.csv': csvText(['name', 'invasive'], train) });
  writeZip(pub('sample_submission.csv.zip'), { 'sample_submission.csv': sample });
  writeFile(pub('train.7z'), `synthetic placeholder for ${train.length} train images\n`);
  writeFile(pub('test.7z'), `synthetic placeholder for ${test.length} test images\n`);
  writeCsv(priv('answers.csv'), ['name', 'invasive'], test);
  writeFile(priv('sample_submission.csv'), sample);
};
