import { join } from 'node:path';
import { builtinSplitter } from '../split/builtin.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import { partFileName } from '../split/names.js';
import type { Splitter } from '../split/types.js';
import { splitZip } from './archive.js';
import { columnOf, sourceFile } from './common.js';

const TRAIN_ZIP = 'train_images.zip';

/**
 * kuzushiji-recognition (docs/hce-recipes.md): the built-in row split of train.csv, plus the
 * media: the page images are in train_images.zip, where a hidden page would sit among labelled
 * ones. train_images.zip is rewritten without the hidden pages, which go to their own
 * search_images.zip and validation_images.zip (flat `<image_id>.jpg`, like test_images.zip).
 * Entries are streamed and stored as they are (JPEGs do not compress).
 */
export const kuzushijiSplitter: Splitter = async (ctx) => {
  const result = await builtinSplitter(ctx);
  const partOf = new Map<string, HiddenPart>();
  for (const p of HIDDEN_PARTS)
    for (const id of await columnOf(result.answers[p], 'image_id')) partOf.set(`${id}.jpg`, p);
  await splitZip(
    sourceFile(ctx, TRAIN_ZIP),
    join(ctx.outPublic, TRAIN_ZIP),
    (p) => join(ctx.outPublic, partFileName('test_images.zip', p)),
    (base) => partOf.get(base),
  );
  return {
    ...result,
    media: {
      search: [partFileName('test_images.zip', 'search')],
      validation: [partFileName('test_images.zip', 'validation')],
    },
    skip: [...result.skip, TRAIN_ZIP],
    method: `${result.method}; hidden pages moved out of train_images.zip into search_images.zip and validation_images.zip`,
  };
};
