import type { SynthWriter } from '../types.js';
import { writeTextNormalization, type Token } from './text-normalization.js';

const TOKENS: Token[] = [
  ['PLAIN', 'река', 'река'],
  ['PLAIN', 'город', 'город'],
  ['PUNCT', '.', '.'],
  ['PUNCT', ',', ','],
  ['CARDINAL', '12', 'двенадцать'],
  ['CARDINAL', '3', 'три'],
  ['DATE', '1 мая 2010', 'первое мая две тысячи десятого года'],
  ['LETTERS', 'СССР', 'с с с р'],
  ['MEASURE', '5 км', 'пять километров'],
  ['ORDINAL', '3-й', 'третий'],
];

/** ru_* files; see writeTextNormalization. */
export const textNormalizationChallengeRussianLanguage: SynthWriter = (ctx) =>
  writeTextNormalization(ctx, 'ru', TOKENS);
