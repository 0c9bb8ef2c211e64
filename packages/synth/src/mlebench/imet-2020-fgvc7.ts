import { png } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, level, paths, testCount } from './common.js';

const ATTRIBUTES = 40;

/** train.csv (id, attribute_ids space-separated), labels.csv, train/<id>.png, test/<id>.png; answers private/answers.csv (15 %). */
export const imet2020Fgvc7: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const attrs = () =>
    [...new Set(Array.from({ length: 1 + rng.int(4) }, () => rng.int(ATTRIBUTES)))]
      .sort((a, b) => a - b)
      .join(' ');
  const all = hexIds(rng, size + testCount(size, 0.15), 32).map((id) => [id, attrs()] as const);
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['id', 'attribute_ids'], train);
  writeCsv(
    pub('labels.csv'),
    ['attribute_id', 'attribute_name'],
    Array.from({ length: ATTRIBUTES }, (_, a) => [a, `${a < 10 ? 'culture' : 'tag'}::thing ${a}`]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', 'attribute_ids'],
    test.map(([id]) => [id, '0 1 2']),
  );
  writeCsv(priv('answers.csv'), ['id', 'attribute_ids'], test);
  for (const [id] of train) writeFile(pub('train', `${id}.png`), png(level(rng)));
  for (const [id] of test) writeFile(pub('test', `${id}.png`), png(level(rng)));
};
