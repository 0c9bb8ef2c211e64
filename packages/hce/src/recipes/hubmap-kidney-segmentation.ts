import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { readCsvRecords } from '../csv/read.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import type { Splitter } from '../split/types.js';
import {
  assignKeys,
  moveMedia,
  partFolders,
  partitionCsv,
  rowCounts,
  sourceFile,
  whereOf,
  writeTable,
} from './common.js';

const INFO = 'HuBMAP-20-dataset_information.csv';

/**
 * hubmap-kidney-segmentation (docs/hce-recipes.md): an image is the unit (MLE-bench split 12/3
 * images at random). A hidden image's `<id>.tiff` and `<id>-anatomical-structure.json` move from
 * train/ to the part's folder, as MLE-bench copies them to test/; its `<id>.json` (the glomerulus
 * polygons, i.e. the mask: MLE-bench's known leak, PR #98) is withheld. Answers are `id`,
 * `encoding`, `width_pixels`, `height_pixels` (sizes from the dataset information table); the
 * sample is `id`, `predicted` empty.
 */
export const hubmapSplitter: Splitter = async (ctx) => {
  const where = whereOf(ctx);
  const file = sourceFile(ctx, 'train.csv');
  const info = await readCsvRecords(sourceFile(ctx, INFO));
  const col = (name: string) => {
    const i = info.header.cells.indexOf(name);
    if (i < 0) throw new ConfigError(`${where}: ${join(ctx.source, INFO)} has no column "${name}"`);
    return i;
  };
  const [fileIdx, wIdx, hIdx] = [col('image_file'), col('width_pixels'), col('height_pixels')];
  const size = new Map(
    info.rows.map((r) => [
      r.cells[fileIdx]!.replace(/\.tiff$/, ''),
      [r.cells[wIdx]!, r.cells[hIdx]!] as const,
    ]),
  );
  const table = await readCsvRecords(file);
  const idIdx = table.header.cells.indexOf('id');
  const encIdx = table.header.cells.indexOf('encoding');
  if (idIdx < 0 || encIdx < 0) throw new ConfigError(`${where}: ${file} needs columns id and encoding`);
  const partOf = assignKeys(
    ctx,
    table.rows.map((r) => r.cells[idIdx]!),
  );
  const split = await partitionCsv(file, join(ctx.outPublic, 'train.csv'), (cells) =>
    partOf.get(cells[idIdx]!)!,
  );
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const skip = ['train.csv'];
  for (const p of HIDDEN_PARTS) {
    const rows = split.hidden[p];
    const out = rows.map((r) => {
      const wh = size.get(r[idIdx]!);
      if (!wh)
        throw new ConfigError(
          `${where}: image ${r[idIdx]} has no row in ${INFO} (its width and height are needed to grade)`,
        );
      return [r[idIdx]!, r[encIdx]!, wh[0], wh[1]];
    });
    answers[p] = join(ctx.outHidden, `${p}.csv`);
    await writeTable(answers[p], ['id', 'encoding', 'width_pixels', 'height_pixels'], out);
    samples[p] = `sample_submission_${p}.csv`;
    await writeTable(
      join(ctx.outPublic, samples[p]),
      ['id', 'predicted'],
      rows.map((r) => [r[idIdx]!, '']),
    );
    for (const r of rows) {
      const id = r[idIdx]!;
      skip.push(moveMedia(ctx, `train/${id}.tiff`, `${p}/${id}.tiff`));
      skip.push(
        moveMedia(ctx, `train/${id}-anatomical-structure.json`, `${p}/${id}-anatomical-structure.json`),
      );
      skip.push(`train/${id}.json`);
    }
  }
  return {
    answers,
    inputs: { search: [], validation: [] },
    samples,
    media: partFolders(),
    skip,
    hidden: {
      keys: new Set([...partOf].filter(([, v]) => v !== 'train').map(([k]) => k)),
      keyColumns: ['id'],
    },
    counts: rowCounts(split),
    method:
      "images assigned at random; a hidden image's tiff and anatomical-structure json move to its part's folder, its glomerulus polygons (the mask) are withheld",
  };
};
