import { join } from 'node:path';
import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';

/** Kaggle's train.csv columns (45), in order (docs/hce-recipes.md). */
export const JIGSAW_TRAIN_COLUMNS = [
  'id',
  'target',
  'comment_text',
  'severe_toxicity',
  'obscene',
  'identity_attack',
  'insult',
  'threat',
  'asian',
  'atheist',
  'bisexual',
  'black',
  'buddhist',
  'christian',
  'female',
  'heterosexual',
  'hindu',
  'homosexual_gay_or_lesbian',
  'intellectual_or_learning_disability',
  'jewish',
  'latino',
  'male',
  'muslim',
  'other_disability',
  'other_gender',
  'other_race_or_ethnicity',
  'other_religion',
  'other_sexual_orientation',
  'physical_disability',
  'psychiatric_or_mental_illness',
  'transgender',
  'white',
  'created_date',
  'publication_id',
  'parent_id',
  'article_id',
  'rating',
  'funny',
  'wow',
  'sad',
  'likes',
  'disagree',
  'sexual_explicit',
  'identity_annotator_count',
  'toxicity_annotator_count',
] as const;
/** test_private_expanded.csv's columns (45), in order: the label is `toxicity`. */
export const JIGSAW_ANSWER_COLUMNS = [
  'id',
  'comment_text',
  'created_date',
  'publication_id',
  'parent_id',
  'article_id',
  'rating',
  'funny',
  'wow',
  'sad',
  'likes',
  'disagree',
  'toxicity',
  'severe_toxicity',
  'obscene',
  'sexual_explicit',
  'identity_attack',
  'insult',
  'threat',
  'male',
  'female',
  'transgender',
  'other_gender',
  'heterosexual',
  'homosexual_gay_or_lesbian',
  'bisexual',
  'other_sexual_orientation',
  'christian',
  'jewish',
  'muslim',
  'hindu',
  'buddhist',
  'atheist',
  'other_religion',
  'black',
  'white',
  'asian',
  'latino',
  'other_race_or_ethnicity',
  'physical_disability',
  'intellectual_or_learning_disability',
  'psychiatric_or_mental_illness',
  'other_disability',
  'identity_annotator_count',
  'toxicity_annotator_count',
] as const;
const IDENTITY_FROM = JIGSAW_TRAIN_COLUMNS.indexOf('asian');
const IDENTITY_TO = JIGSAW_TRAIN_COLUMNS.indexOf('white');
const WORDS = [
  'people',
  'idiot',
  'great',
  'article',
  'stupid',
  'thanks',
  'women',
  'men',
  'church',
  'muslim',
  'gay',
  'black',
  'white',
  'jewish',
  'crazy',
  'vote',
];

/**
 * jigsaw-unintended-bias-in-toxicity-classification: public train.csv is Kaggle's train (45
 * columns, identity columns empty on unannotated rows), test.csv has id and comment_text, the
 * answers are test_private_expanded.csv (`toxicity` for `target`), the sample predicts 0.0.
 */
export const jigsawUnintendedBias: SynthWriter = ({ root, rng, size }) => {
  const nTest = Math.max(24, Math.round(size / 8));
  let id = 239_000 + rng.int(1000);
  // The grader's subgroup, BPSN and BNSP AUCs need both classes inside and outside each identity
  // subgroup: rows are toxic half the time and mention an identity about a third of the time;
  // test rows (`k`) cover every identity with toxic and non-toxic rows on both sides.
  const row = (annotated: boolean, k = -1) => {
    const cells: Record<string, string> = {};
    const toxic = k >= 0 ? k % 2 === 0 : rng.float() < 0.5;
    for (const [j, col] of JIGSAW_TRAIN_COLUMNS.entries()) {
      if (col === 'id') cells[col] = String(id++);
      else if (col === 'target') cells[col] = toxic ? rng.decimal(0.5, 1, 13) : rng.decimal(0, 0.5, 13);
      else if (col === 'comment_text')
        cells[col] =
          Array.from({ length: 5 + rng.int(10) }, () => rng.pick(WORDS)).join(' ') +
          (rng.float() < 0.2 ? ', "really"' : '.');
      else if (j >= IDENTITY_FROM && j <= IDENTITY_TO)
        cells[col] = !annotated
          ? ''
          : (k >= 0 ? Math.floor(k / 2) % 3 === j % 3 : rng.float() < 0.35)
            ? (0.5 + rng.int(6) / 10).toFixed(1)
            : (rng.int(5) / 10).toFixed(1);
      else if (col === 'created_date')
        cells[col] = `2016-0${1 + rng.int(9)}-1${rng.int(10)} 1${rng.int(10)}:2${rng.int(10)}:00.000000+00`;
      else if (col === 'rating') cells[col] = rng.pick(['approved', 'rejected']);
      else if (col === 'parent_id') cells[col] = rng.float() < 0.5 ? '' : `${300_000 + rng.int(1000)}.0`;
      else if (col === 'identity_annotator_count') cells[col] = annotated ? String(4 + rng.int(6)) : '0';
      else if (col === 'toxicity_annotator_count') cells[col] = String(4 + rng.int(70));
      else if (['publication_id', 'article_id', 'funny', 'wow', 'sad', 'likes', 'disagree'].includes(col))
        cells[col] = String(rng.int(col === 'article_id' ? 400 : 10));
      else cells[col] = (rng.int(7) / 6).toFixed(6);
    }
    return cells;
  };
  // At least 1,000 comments, so each hidden part of a split has both classes in every subgroup.
  const train = Array.from({ length: Math.max(size, 1000) }, () => row(rng.float() < 0.7));
  const test = Array.from({ length: nTest }, (_, k) => row(true, k));
  writeCsv(
    join(root, 'public/train.csv'),
    JIGSAW_TRAIN_COLUMNS,
    train.map((r) => JIGSAW_TRAIN_COLUMNS.map((c) => r[c]!)),
  );
  writeCsv(
    join(root, 'public/test.csv'),
    ['id', 'comment_text'],
    test.map((r) => [r['id']!, r['comment_text']!]),
  );
  writeCsv(
    join(root, 'public/sample_submission.csv'),
    ['id', 'prediction'],
    test.map((r) => [r['id']!, '0.0']),
  );
  writeCsv(
    join(root, 'private/test.csv'),
    JIGSAW_ANSWER_COLUMNS,
    test.map((r) => JIGSAW_ANSWER_COLUMNS.map((c) => r[c === 'toxicity' ? 'target' : c]!)),
  );
};
