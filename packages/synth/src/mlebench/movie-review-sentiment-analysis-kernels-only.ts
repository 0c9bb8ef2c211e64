import { csvText, writeCsv, writeZip } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, sentence, testCount, WORDS } from './common.js';

/**
 * train.tsv.zip (train.tsv: PhraseId, SentenceId, Phrase, Sentiment 0–4, tab-separated),
 * test.tsv.zip without Sentiment; answers private/answers.csv (the full rows); sampleSubmission.csv
 * (PhraseId, Sentiment 2). 30 % of the phrases are test.
 */
export const movieReviewSentimentAnalysisKernelsOnly: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = Array.from(
    { length: size + testCount(size, 0.3) },
    (_, i) => [1 + i, 1 + Math.floor(i / 5), sentence(rng, WORDS, 1, 8), rng.int(5)] as const,
  );
  // Phrases of a sentence sit on both sides in MLE-bench's random split.
  const shuffled = [...all].sort(() => rng.float() - 0.5);
  const train = shuffled.slice(0, size);
  const test = shuffled.slice(size);
  const tsv = { delimiter: '\t' };
  writeZip(pub('train.tsv.zip'), {
    'train.tsv': csvText(['PhraseId', 'SentenceId', 'Phrase', 'Sentiment'], train, tsv),
  });
  writeZip(pub('test.tsv.zip'), {
    'test.tsv': csvText(
      ['PhraseId', 'SentenceId', 'Phrase'],
      test.map((r) => r.slice(0, 3)),
      tsv,
    ),
  });
  writeCsv(priv('answers.csv'), ['PhraseId', 'SentenceId', 'Phrase', 'Sentiment'], test);
  writeCsv(
    pub('sampleSubmission.csv'),
    ['PhraseId', 'Sentiment'],
    test.map((r) => [r[0], 2]),
  );
};
