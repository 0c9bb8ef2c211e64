import type { SynthWriter } from '../types.js';
import { writeTextNormalization, type Token } from './text-normalization.js';

const TOKENS: Token[] = [
  ['PLAIN', 'the', 'the'],
  ['PLAIN', 'river', 'river'],
  ['PUNCT', '.', '.'],
  ['PUNCT', ',', ','],
  ['CARDINAL', '12', 'twelve'],
  ['CARDINAL', '2004', 'two thousand four'],
  ['DATE', '1 May 2010', 'the first of may twenty ten'],
  ['LETTERS', 'BBC', 'b b c'],
  ['MEASURE', '5 km', 'five kilometers'],
  ['MONEY', '$3', 'three dollars'],
  ['ORDINAL', '3rd', 'third'],
];

/** en_* files; see writeTextNormalization. */
export const textNormalizationChallengeEnglishLanguage: SynthWriter = (ctx) =>
  writeTextNormalization(ctx, 'en', TOKENS);
