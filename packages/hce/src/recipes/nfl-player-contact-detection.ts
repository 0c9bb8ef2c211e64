import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import { partFileName } from '../split/names.js';
import type { Splitter } from '../split/types.js';
import {
  assignKeys,
  moveMedia,
  partFolders,
  partitionCsv,
  rowsOf,
  sourceFile,
  unitCounts,
  unitsOf,
  whereOf,
  writeTable,
} from './common.js';

/** The per-play side tables MLE-bench splits with the labels (train_<name> → test_<name>). */
const SIDE = ['baseline_helmets.csv', 'player_tracking.csv', 'video_metadata.csv'];
const VIEWS = ['All29', 'Endzone', 'Sideline'];

/**
 * nfl-player-contact-detection (docs/hce-recipes.md): a play (`game_play`) is the unit. As
 * MLE-bench builds its test, every side table is split the same way (hidden rows into
 * `search_<name>.csv` / `validation_<name>.csv`, train rows left in `train_<name>.csv`), the three
 * videos of a hidden play move from train/ to the part's folder, the answers are the full label
 * rows and the sample lists the contact ids with contact = 0.
 */
export const nflSplitter: Splitter = async (ctx) => {
  const where = whereOf(ctx);
  const file = sourceFile(ctx, 'train_labels.csv');
  const { header, units: plays } = await unitsOf(file, 'game_play', `${where}.unit.column`);
  const gpIdx = header.require('game_play', `${where}.unit.column`);
  const idIdx = header.require('contact_id', `${where}.id`);
  const partOf = assignKeys(ctx, plays);
  const split = await partitionCsv(file, join(ctx.outPublic, 'train_labels.csv'), (cells) =>
    partOf.get(cells[gpIdx]!)!,
  );
  const inputs = { search: [] as string[], validation: [] as string[] };
  const skip = ['train_labels.csv'];
  for (const name of SIDE) {
    const src = join(ctx.source, `train_${name}`);
    if (!existsSync(src)) continue;
    const out = {
      search: partFileName(`test_${name}`, 'search'),
      validation: partFileName(`test_${name}`, 'validation'),
    };
    // Side tables are large (tracking and helmets run to millions of rows): hidden rows stream to their files.
    await partitionCsv(
      src,
      join(ctx.outPublic, `train_${name}`),
      (cells, _i, h) =>
        partOf.get(cells[h.require('game_play', `${src} (a per-play side table)`)]!) ?? 'train',
      { search: join(ctx.outPublic, out.search), validation: join(ctx.outPublic, out.validation) },
    );
    skip.push(`train_${name}`);
    for (const p of HIDDEN_PARTS) inputs[p].push(out[p]);
  }
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  for (const p of HIDDEN_PARTS) {
    answers[p] = join(ctx.outHidden, `${p}.csv`);
    await writeTable(answers[p], header.header, split.hidden[p]);
    samples[p] = `sample_submission_${p}.csv`;
    await writeTable(
      join(ctx.outPublic, samples[p]),
      ['contact_id', 'contact'],
      split.hidden[p].map((r) => [r[idIdx]!, '0']),
    );
    for (const gp of plays.filter((g) => partOf.get(g) === p))
      for (const v of VIEWS) skip.push(moveMedia(ctx, `train/${gp}_${v}.mp4`, `${p}/${gp}_${v}.mp4`));
  }
  return {
    answers,
    inputs,
    samples,
    media: partFolders(),
    skip,
    hidden: { keys: new Set(plays.filter((g) => partOf.get(g) !== 'train')), keyColumns: ['game_play'] },
    counts: unitCounts(plays, (g) => partOf.get(g), rowsOf(split)),
    method:
      'plays (game_play) assigned at random; side tables and videos split with them, as MLE-bench builds its test',
  };
};
