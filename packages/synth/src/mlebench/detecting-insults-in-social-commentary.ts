import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, rows, sentence, testCount, WORDS } from './common.js';

const RUDE = ['idiot', 'moron', 'loser', 'clown'];

/**
 * train.csv (Insult, Date, Comment), test.csv (Date, Comment); answers private/test.csv (with
 * Usage) and private/gold_submission.csv; sample_submission_null.csv (Insult 0). Comments are the ids.
 */
export const detectingInsultsInSocialCommentary: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const seen = new Set<string>();
  const row = () => {
    const insult = rng.float() < 0.3 ? 1 : 0;
    let comment = '';
    do
      comment = `"${sentence(rng, insult ? [...WORDS, ...RUDE] : WORDS, 4, 10)}${insult ? ` ${rng.pick(RUDE)}` : ''} #${rng.hex(6)}"`;
    while (seen.has(comment));
    seen.add(comment);
    const date =
      rng.float() < 0.2
        ? ''
        : `2012${String(1 + rng.int(9)).padStart(2, '0')}1${rng.int(10)}0${rng.int(10)}1530Z`;
    return [insult, date, comment] as const;
  };
  const train = rows(size, row);
  const test = rows(testCount(size), row);
  writeCsv(pub('train.csv'), ['Insult', 'Date', 'Comment'], train);
  writeCsv(
    pub('test.csv'),
    ['Date', 'Comment'],
    test.map((r) => [r[1], r[2]]),
  );
  writeCsv(
    pub('sample_submission_null.csv'),
    ['Insult', 'Date', 'Comment'],
    test.map((r) => [0, r[1], r[2]]),
  );
  writeCsv(
    priv('test.csv'),
    ['Insult', 'Date', 'Comment', 'Usage'],
    test.map((r) => [...r, rng.pick(['PublicTest', 'PrivateTest'])]),
  );
  writeCsv(priv('gold_submission.csv'), ['Insult', 'Date', 'Comment'], test);
};
