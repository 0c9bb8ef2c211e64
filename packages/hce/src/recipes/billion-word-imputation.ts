import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { splitRng, type SplitRng } from '../rng.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import type { Splitter } from '../split/types.js';
import { ZipWriter, zipLines } from './archive.js';
import { counts, sourceFile, whereOf } from './common.js';

const TRAIN_ZIP = 'train_v2.txt.zip';
const HEADER = '"id","sentence"\n';

/** Drops one word that is neither the first nor the last (punctuation tokens count as words). */
export function removeInteriorWord(sentence: string, rng: SplitRng): string {
  const words = sentence.split(/\s+/).filter((w) => w !== '');
  const k = 1 + rng.below(words.length - 2);
  return [...words.slice(0, k), ...words.slice(k + 1)].join(' ');
}

/** MLE-bench's condition for a test sentence: more than two whitespace-separated words. */
const moreThanTwoWords = (line: string) => /\S\s+\S+\s+\S/.test(line);

/** k distinct integers from [0, n), seeded (Floyd's algorithm: O(k) memory for k ≪ n). */
function sampleDistinct(n: number, k: number, rng: SplitRng): number[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = rng.below(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return rng.shuffle([...chosen].sort((a, b) => a - b));
}

/**
 * billion-word-imputation (docs/hce-recipes.md): a sentence (line of train_v2.txt) is the unit;
 * only sentences of more than two words can be held out (MLE-bench's rule). Each hidden part
 * takes round(fraction × lines), capped at split.maxRowsPerPart; its input is a zipped CSV like
 * test_v2.txt (`"id","sentence"`, ids 0..n-1, one interior word removed, quotes doubled), its
 * sample a plain copy of that CSV (MLE-bench's sample is a copy of its test file), its answers the
 * full sentences in the same form. The train lines stay byte for byte in a new train_v2.txt.zip.
 */
export const billionWordSplitter: Splitter = async (ctx) => {
  const where = whereOf(ctx);
  const spec = ctx.competition.manifest.split;
  const file = sourceFile(ctx, TRAIN_ZIP);
  let lines = 0;
  let eligible = 0;
  for await (const batch of zipLines(file)) {
    for (const line of batch) {
      lines++;
      if (moreThanTwoWords(line)) eligible++;
    }
  }
  const cap = spec.maxRowsPerPart ?? Infinity;
  const want = {
    search: Math.min(cap, Math.max(1, Math.round(lines * ctx.fractions.search))),
    validation: Math.min(cap, Math.max(1, Math.round(lines * ctx.fractions.validation))),
  };
  if (eligible < want.search + want.validation)
    throw new ConfigError(
      `${where}: ${file} has ${eligible} sentences of more than two words, fewer than the ${want.search + want.validation} the hidden parts need`,
    );
  const rng = splitRng(ctx.seed, 'billion-word-imputation');
  const picked = sampleDistinct(eligible, want.search + want.validation, rng);
  const partOfRank = new Map<number, HiddenPart>(
    picked.map((r, k) => [r, k < want.search ? 'search' : 'validation']),
  );

  const zip = new ZipWriter(join(ctx.outPublic, TRAIN_ZIP));
  // Level 1: the train file is ~4 GB of text, and JavaScript deflate at level 6 takes far longer.
  const entry = zip.entry('train_v2.txt', 1);
  const hidden: Record<HiddenPart, string[]> = { search: [], validation: [] };
  let rank = 0;
  let pending = '';
  let seen = 0;
  for await (const batch of zipLines(file)) {
    for (const line of batch) {
      seen++;
      const p = moreThanTwoWords(line) ? partOfRank.get(rank++) : undefined;
      if (p) hidden[p].push(line.trim().replace(/"/g, '""'));
      else pending += `${line}\n`;
    }
    if (pending.length >= 1 << 20) {
      await entry.push(pending);
      pending = '';
    }
  }
  await entry.push(pending, true);
  await zip.close();
  if (seen !== lines)
    throw new ConfigError(`${file} changed while it was being split (${lines} lines, then ${seen})`);

  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const inputs = { search: [] as string[], validation: [] as string[] };
  const inputRng = splitRng(ctx.seed, 'billion-word-imputation/removed');
  for (const p of HIDDEN_PARTS) {
    answers[p] = join(ctx.outHidden, `${p}.csv`);
    writeFileSync(answers[p], HEADER + hidden[p].map((s, i) => `${i},"${s}"\n`).join(''));
    const input = HEADER + hidden[p].map((s, i) => `${i},"${removeInteriorWord(s, inputRng)}"\n`).join('');
    const name = `${p}_v2.txt`;
    const z = new ZipWriter(join(ctx.outPublic, `${name}.zip`));
    await z.entry(name).push(input, true);
    await z.close();
    inputs[p].push(`${name}.zip`);
    samples[p] = `sample_submission_${p}.csv`;
    writeFileSync(join(ctx.outPublic, samples[p]), input);
  }
  return {
    answers,
    inputs,
    samples,
    skip: [TRAIN_ZIP],
    hidden: null,
    counts: counts(lines - want.search - want.validation, want.search, want.validation),
    method: `sentences of more than two words drawn at random (round(fraction × lines) per hidden part, capped at ${cap}); one interior word removed from each, as MLE-bench builds test_v2.txt`,
  };
};
