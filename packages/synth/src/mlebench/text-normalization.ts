import { csvText, writeFile, writeZip } from '../write.js';
import type { SynthContext } from '../types.js';
import { paths, testCount } from './common.js';

/** Tokens of one language: (class, before, after). */
export type Token = readonly [cls: string, before: string, after: string];

/**
 * The text-normalization layout (English and Russian alike): <lang>_train.csv.zip (sentence_id,
 * token_id, class, before, after), <lang>_test_2.csv.zip (sentence_id, token_id, before) and
 * <lang>_sample_submission_2.csv.zip, all written with every string quoted (QUOTE_NONNUMERIC);
 * sentence ids renumbered from 0 in each part; answers private/answers.csv (id = <sentence>_<token>,
 * after) and the sample private/sample_submission.csv (after = before). `size` counts sentences.
 */
export function writeTextNormalization(ctx: SynthContext, lang: 'en' | 'ru', tokens: readonly Token[]): void {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const sentences = (n: number) =>
    Array.from({ length: n }, (_, s) =>
      Array.from({ length: 3 + rng.int(8) }, (_, t) => [s, t, ...rng.pick(tokens)] as const),
    ).flat();
  const train = sentences(size);
  const test = sentences(testCount(size));
  const q = { quoteStrings: true };
  writeZip(pub(`${lang}_train.csv.zip`), {
    [`${lang}_train.csv`]: csvText(['sentence_id', 'token_id', 'class', 'before', 'after'], train, q),
  });
  writeZip(pub(`${lang}_test_2.csv.zip`), {
    [`${lang}_test_2.csv`]: csvText(
      ['sentence_id', 'token_id', 'before'],
      test.map((r) => [r[0], r[1], r[3]]),
      q,
    ),
  });
  const sample = csvText(
    ['id', 'after'],
    test.map((r) => [`${r[0]}_${r[1]}`, r[3]]),
    q,
  );
  writeZip(pub(`${lang}_sample_submission_2.csv.zip`), { [`${lang}_sample_submission_2.csv`]: sample });
  writeFile(priv('sample_submission.csv'), sample);
  writeFile(
    priv('answers.csv'),
    csvText(
      ['id', 'after'],
      test.map((r) => [`${r[0]}_${r[1]}`, r[4]]),
      q,
    ),
  );
}
