import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { readCsvRecords } from '../csv/read.js';
import { SplitRng } from '../rng.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import type { Splitter } from '../split/types.js';
import { counts, moveMedia, partitionCsv, sourceFile, uniform, whereOf, writeTable } from './common.js';

const NEW_WHALE = 'new_whale';

/**
 * whale-categorization-playground (docs/hce-recipes.md): MLE-bench's own per-whale rule, applied
 * to the public train images with p = the hidden parts' mean fraction (0.1, MLE-bench's test
 * fraction): of each whale with two or more images one goes to train and one is held out;
 * a single-image whale is held out with probability p; of the rest, ceil(p·n) at random. The held-out
 * images are divided at random between search and validation (in proportion to their fractions);
 * hidden whales with no train image become `new_whale`. Hidden images move from train/ to
 * search/ and validation/, as MLE-bench's test images sit in test/.
 */
export const whaleCategorizationSplitter: Splitter = async (ctx) => {
  const c = ctx.competition;
  const where = whereOf(ctx);
  const file = sourceFile(ctx, 'train.csv');
  const table = await readCsvRecords(file);
  const imgIdx = table.header.cells.indexOf('Image');
  const idIdx = table.header.cells.indexOf('Id');
  if (imgIdx < 0 || idIdx < 0)
    throw new ConfigError(
      `${where}: ${file} needs columns Image and Id (has ${table.header.cells.join(', ')})`,
    );
  const rows = table.rows.map((r) => ({ image: r.cells[imgIdx]!, whale: r.cells[idIdx]! }));
  const rng = new SplitRng(ctx.seed, 'whale-categorization-playground');
  const p = (ctx.fractions.search + ctx.fractions.validation) / 2;
  const byWhale = new Map<string, number[]>();
  rows.forEach((r, i) => (byWhale.get(r.whale) ?? byWhale.set(r.whale, []).get(r.whale)!).push(i));
  const held = new Set<number>();
  const undecided: number[] = [];
  for (const whale of [...byWhale.keys()].sort()) {
    const imgs = byWhale.get(whale)!;
    if (imgs.length >= 2) {
      const order = rng.shuffle(imgs.slice());
      held.add(order[1]!);
      undecided.push(...order.slice(2));
    } else if (uniform(rng) < p) held.add(imgs[0]!);
  }
  undecided.sort((a, b) => a - b);
  rng
    .shuffle(undecided)
    .slice(0, Math.ceil(undecided.length * p))
    .forEach((i) => held.add(i));
  const heldOrder = rng.shuffle([...held].sort((a, b) => a - b));
  const nSearch = Math.round(
    (heldOrder.length * ctx.fractions.search) / (ctx.fractions.search + ctx.fractions.validation),
  );
  const part = new Map<number, HiddenPart>(
    heldOrder.map((i, k) => [i, k < nSearch ? 'search' : 'validation']),
  );
  if (nSearch === 0 || nSearch === heldOrder.length)
    throw new ConfigError(
      `${where}: ${rows.length} images are too few to hold out a search and a validation part`,
    );

  const split = await partitionCsv(
    file,
    join(ctx.outPublic, 'train.csv'),
    (_cells, i) => part.get(i) ?? 'train',
  );
  const trainWhales = new Set(rows.filter((_, i) => !part.has(i)).map((r) => r.whale));
  const sample = await readCsvRecords(c.paths.sampleSubmission);
  const dummy = sample.rows[0]?.cells[sample.header.cells.indexOf('Id')] ?? NEW_WHALE;
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const skip = ['train.csv'];
  for (const hp of HIDDEN_PARTS) {
    const mine = rows.filter((_, i) => part.get(i) === hp);
    for (const r of mine) skip.push(moveMedia(ctx, `train/${r.image}`, `${hp}/${r.image}`));
    answers[hp] = join(ctx.outHidden, `${hp}.csv`);
    await writeTable(
      answers[hp],
      ['Image', 'Id'],
      mine.map((r) => [r.image, trainWhales.has(r.whale) ? r.whale : NEW_WHALE]),
    );
    samples[hp] = `sample_submission_${hp}.csv`;
    await writeTable(
      join(ctx.outPublic, samples[hp]),
      ['Image', 'Id'],
      mine.map((r) => [r.image, dummy]),
    );
  }
  return {
    answers,
    inputs: { search: [], validation: [] },
    samples,
    media: { search: ['search'], validation: ['validation'] },
    skip,
    hidden: { keys: new Set(rows.filter((_, i) => part.has(i)).map((r) => r.image)), keyColumns: ['Image'] },
    counts: counts(split.train, split.hidden.search.length, split.hidden.validation.length),
    method:
      `MLE-bench's per-whale rule with p = ${p}: one image of each multi-image whale held out, singletons ` +
      'held out with probability p, ceil(p·n) of the rest; held-out images divided between search and ' +
      'validation; unseen whales relabelled new_whale',
  };
};
