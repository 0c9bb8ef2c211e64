import { join } from 'node:path';
import { writeCsv, writeFile } from '../write.js';
import type { SynthRng } from '../rng.js';
import type { SynthWriter } from '../types.js';

const WORDS = [
  'the',
  'river',
  'city',
  'was',
  'founded',
  'in',
  'by',
  'king',
  'war',
  'album',
  'song',
  'team',
  'won',
  'film',
  'of',
  'and',
];

/** One simplified Natural Questions record with its annotation, as Kaggle's train file holds it. */
function record(rng: SynthRng) {
  const n = 40 + rng.int(40);
  const doc = ['<H1>', ...Array.from({ length: n - 2 }, () => rng.pick(WORDS)), '</H1>'];
  const cands = Array.from({ length: 3 }, (_, k) => ({
    start_token: k * 10,
    end_token: k * 10 + 8 + rng.int(2),
    top_level: true,
  }));
  const kind = rng.int(4);
  const long =
    kind === 0
      ? { start_token: -1, end_token: -1, candidate_index: -1 }
      : { ...cands[rng.int(3)]!, candidate_index: 0 };
  const shortStart = long.start_token + 1 + rng.int(3);
  const annotation = {
    yes_no_answer: kind === 1 ? rng.pick(['YES', 'NO']) : 'NONE',
    long_answer: {
      start_token: long.start_token,
      end_token: long.end_token,
      candidate_index: long.candidate_index,
    },
    short_answers: kind === 2 ? [{ start_token: shortStart, end_token: shortStart + 1 + rng.int(3) }] : [],
    annotation_id: Number(`1${rng.int(1e9)}`),
  };
  // example_id as MLE-bench writes it: the 19-digit Kaggle integer cast to a string.
  const id = `${rng.pick(['-', ''])}${1 + rng.int(9)}${Array.from({ length: 18 }, () => rng.int(10)).join('')}`;
  return {
    document_text: doc.join(' '),
    long_answer_candidates: cands,
    question_text: Array.from({ length: 6 }, () => rng.pick(WORDS)).join(' '),
    annotations: [annotation],
    document_url: `https://en.wikipedia.org//w/index.php?title=${rng.hex(8)}`,
    example_id: id,
  };
}

/**
 * tensorflow2-question-answering (docs/hce-recipes.md): simplified-nq-train.jsonl (labelled),
 * simplified-nq-test.jsonl (example_id, question_text, document_text, long_answer_candidates),
 * sample_submission.csv with `<id>_short` and `<id>_long` rows and empty predictions; the answers
 * are the full test records in private/test.jsonl, private/gold_submission.csv their own answers.
 */
export const tensorflow2QuestionAnswering: SynthWriter = ({ root, rng, size }) => {
  const train = Array.from({ length: size }, () => record(rng));
  const test = Array.from({ length: Math.max(4, Math.round(size / 9)) }, () => record(rng));
  const lines = (rs: object[]) => rs.map((r) => JSON.stringify(r)).join('\n') + '\n';
  writeFile(join(root, 'public/simplified-nq-train.jsonl'), lines(train));
  writeFile(
    join(root, 'public/simplified-nq-test.jsonl'),
    lines(
      test.map((r) => ({
        example_id: r.example_id,
        question_text: r.question_text,
        document_text: r.document_text,
        long_answer_candidates: r.long_answer_candidates,
      })),
    ),
  );
  writeFile(join(root, 'private/test.jsonl'), lines(test));
  writeCsv(
    join(root, 'public/sample_submission.csv'),
    ['example_id', 'PredictionString'],
    test.flatMap((r) => [
      [`${r.example_id}_short`, ''],
      [`${r.example_id}_long`, ''],
    ]),
  );
  // The gold submission: each annotation's own answers (a yes/no answer stands for the short span).
  writeCsv(
    join(root, 'private/gold_submission.csv'),
    ['example_id', 'PredictionString'],
    test.flatMap((r) => {
      const a = r.annotations[0]!;
      const short =
        a.yes_no_answer !== 'NONE'
          ? a.yes_no_answer
          : (a.short_answers.map((s) => `${s.start_token}:${s.end_token}`)[0] ?? '');
      const long =
        a.long_answer.start_token >= 0 ? `${a.long_answer.start_token}:${a.long_answer.end_token}` : '';
      return [
        [`${r.example_id}_short`, short],
        [`${r.example_id}_long`, long],
      ];
    }),
  );
};
