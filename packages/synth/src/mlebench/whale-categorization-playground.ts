import { join } from 'node:path';
import { writeCsv, writeFile } from '../write.js';
import { jpeg } from '../media.js';
import type { SynthWriter } from '../types.js';

/**
 * whale-categorization-playground (docs/hce-recipes.md): train.csv (`Image`, `Id` = `w_<7 hex>`
 * or `new_whale`), images in train/ and test/ by file name, the sample predicts
 * `new_whale w_1287fbc w_98baff9 w_7554f44 w_1eafe46`; answers are `Image`, `Id`.
 */
export const whaleCategorizationPlayground: SynthWriter = ({ root, rng, size }) => {
  const rows: Array<[string, string]> = [];
  while (rows.length < size) {
    const whale = rng.float() < 0.08 ? 'new_whale' : `w_${rng.hex(7)}`;
    const n = whale === 'new_whale' ? 1 : rng.pick([1, 1, 1, 2, 2, 3, 4]);
    for (let k = 0; k < n && rows.length < size; k++) rows.push([`${rng.hex(8)}.jpg`, whale]);
  }
  const known = rows.map((r) => r[1]).filter((w) => w !== 'new_whale');
  const test = Array.from({ length: Math.max(4, Math.round(size / 8)) }, (): [string, string] => [
    `${rng.hex(8)}.jpg`,
    rng.float() < 0.3 ? 'new_whale' : rng.pick(known),
  ]);
  writeCsv(join(root, 'public/train.csv'), ['Image', 'Id'], rows);
  writeCsv(
    join(root, 'public/sample_submission.csv'),
    ['Image', 'Id'],
    test.map(([img]) => [img, 'new_whale w_1287fbc w_98baff9 w_7554f44 w_1eafe46']),
  );
  writeCsv(join(root, 'private/test.csv'), ['Image', 'Id'], test);
  for (const [img] of rows) writeFile(join(root, 'public/train', img), jpeg(rng.int(256)));
  for (const [img] of test) writeFile(join(root, 'public/test', img), jpeg(rng.int(256)));
};
