import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, paths, testCount, WORDS } from './common.js';

const SENTIMENTS = ['positive', 'negative', 'neutral'];

/** train.csv (textID, text, selected_text, sentiment), test.csv without selected_text; answers private/test.csv (full rows, never an empty span). */
export const tweetSentimentExtraction: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = hexIds(rng, size + testCount(size), 10).map((id) => {
    const words = Array.from({ length: 4 + rng.int(10) }, () => rng.pick(WORDS));
    const from = rng.int(words.length);
    const span = words.slice(from, from + 1 + rng.int(words.length - from)).join(' ');
    return [id, ` ${words.join(' ')}`, span, rng.pick(SENTIMENTS)] as const;
  });
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['textID', 'text', 'selected_text', 'sentiment'], train);
  writeCsv(
    pub('test.csv'),
    ['textID', 'text', 'sentiment'],
    test.map((r) => [r[0], r[1], r[3]]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['textID', 'selected_text'],
    test.map((r) => [r[0], '']),
  );
  writeCsv(priv('test.csv'), ['textID', 'text', 'selected_text', 'sentiment'], test);
};
