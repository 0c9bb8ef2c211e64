import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, paths, sentence, testCount, WORDS } from './common.js';

const CONTEXTS = ['A47', 'B60', 'C07', 'F16', 'G06', 'H01', 'H04'];

/** train.csv (id, anchor, target, context, score ∈ {0, .25, .5, .75, 1}), test.csv without score; answers private/test.csv. */
export const usPatentPhraseToPhraseMatching: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const anchors = Array.from({ length: Math.max(4, Math.ceil(size / 8)) }, () => sentence(rng, WORDS, 1, 3));
  const all = hexIds(rng, size + testCount(size), 16).map(
    (id) =>
      [
        id,
        rng.pick(anchors),
        sentence(rng, WORDS, 1, 4),
        rng.pick(CONTEXTS),
        rng.pick([0, 0.25, 0.5, 0.75, 1]),
      ] as const,
  );
  const train = all.slice(0, size);
  const test = all.slice(size);
  const cols = ['id', 'anchor', 'target', 'context', 'score'];
  writeCsv(pub('train.csv'), cols, train);
  writeCsv(
    pub('test.csv'),
    cols.slice(0, 4),
    test.map((r) => r.slice(0, 4)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', 'score'],
    test.map((r) => [r[0], 0]),
  );
  writeCsv(priv('test.csv'), cols, test);
};
