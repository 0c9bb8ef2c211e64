import { basename, join } from 'node:path';
import { builtinSplitter } from '../split/builtin.js';
import { listFiles } from '../split/files.js';
import { HIDDEN_PARTS } from '../split/labelled.js';
import { partFileName } from '../split/names.js';
import type { Splitter } from '../split/types.js';
import { columnOf, moveMedia } from './common.js';

/**
 * hotel-id-2021-fgvc8 (docs/hce-recipes.md): the built-in row split of train.csv, plus the media:
 * train images sit in `train_images/<chain>/`, so a hidden image left there would give away its
 * chain (and with it much of its label). Each hidden image moves to a flat `search_images/` or
 * `validation_images/`, as MLE-bench's test images sit flat in `test_images/`.
 */
export const hotelIdSplitter: Splitter = async (ctx) => {
  const result = await builtinSplitter(ctx);
  const byName = new Map(listFiles(join(ctx.source, 'train_images')).map((rel) => [basename(rel), rel]));
  const skip = [...result.skip];
  for (const p of HIDDEN_PARTS) {
    const folder = partFileName('test_images', p);
    for (const image of await columnOf(result.answers[p], 'image')) {
      const rel = byName.get(image);
      if (rel) skip.push(moveMedia(ctx, `train_images/${rel}`, `${folder}/${image}`));
    }
  }
  return {
    ...result,
    media: {
      search: [partFileName('test_images', 'search')],
      validation: [partFileName('test_images', 'validation')],
    },
    skip,
    method: `${result.method}; hidden images moved out of train_images/<chain>/ into flat search_images/ and validation_images/`,
  };
};
