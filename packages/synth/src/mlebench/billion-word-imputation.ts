import { join } from 'node:path';
import { writeFile, writeZip } from '../write.js';
import type { SynthWriter } from '../types.js';

const WORDS = [
  'The',
  'government',
  'said',
  'on',
  'Tuesday',
  'that',
  'it',
  'would',
  'not',
  'raise',
  'taxes',
  'this',
  'year',
  'but',
  'critics',
  'doubt',
  'it',
  'a',
  'new',
  'plan',
  '"',
  'we',
  'will',
  'see',
  ',',
];

/**
 * billion-word-imputation (docs/hce-recipes.md): public/train_v2.txt.zip holds train_v2.txt
 * (one tokenised sentence per line, no header); public/test_v2.txt.zip holds test_v2.txt
 * (`"id","sentence"`, each sentence quoted with one interior word removed); the answers and the
 * sample (a copy of test_v2.txt) live in private/.
 */
export const billionWordImputation: SynthWriter = ({ root, rng, size }) => {
  const sentence = () => {
    const n = rng.int(8) === 0 ? 2 : 4 + rng.int(12);
    // A number token makes every sentence distinct (so leak checks can look for it).
    return [
      ...Array.from({ length: n - 2 }, () => rng.pick(WORDS)),
      String(10_000 + rng.int(90_000_000)),
      '.',
    ]
      .slice(-n)
      .join(' ');
  };
  const train = Array.from({ length: size }, sentence);
  const test = Array.from({ length: Math.max(3, Math.round(size / 50)) }, () => {
    let s = sentence();
    while (s.split(' ').length <= 2) s = sentence();
    return s.replace(/"/g, '""');
  });
  const removed = test.map((s) => {
    const w = s.split(' ');
    const k = 1 + rng.int(w.length - 2);
    return [...w.slice(0, k), ...w.slice(k + 1)].join(' ');
  });
  const testCsv = '"id","sentence"\n' + removed.map((s, i) => `${i},"${s}"\n`).join('');
  writeZip(join(root, 'public/train_v2.txt.zip'), { 'train_v2.txt': train.map((s) => `${s}\n`).join('') });
  writeZip(join(root, 'public/test_v2.txt.zip'), { 'test_v2.txt': testCsv });
  writeFile(join(root, 'private/sample_submission.csv'), testCsv);
  writeFile(
    join(root, 'private/test.csv'),
    '"id","sentence"\n' + test.map((s, i) => `${i},"${s}"\n`).join(''),
  );
};
