import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { splitRng } from '../rng.js';
import { listFiles } from '../split/files.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import type { Splitter } from '../split/types.js';
import {
  assignKeys,
  moveMedia,
  partFolders,
  partitionCsv,
  rowsOf,
  scanCsv,
  sourceFile,
  unitCounts,
  whereOf,
  writeTable,
} from './common.js';

/** MLE-bench keeps a train case's first four days; later ones go to the held-out side. */
const DAYS_KEPT = 4;

/** `case123_day20_slice_0001` → case, day ("day20"), slice ("0001"). */
function parseId(id: string): { kase: string; day: string; slice: string } | null {
  const m = /^(case\d+)_(day\d+)_slice_(\d+)$/.exec(id);
  return m ? { kase: m[1]!, day: m[2]!, slice: m[3]! } : null;
}

/**
 * uw-madison-gi-tract-image-segmentation (docs/hce-recipes.md): a case (patient) is the unit;
 * as MLE-bench does, days after a train case's fourth are held out too (each such case's late days
 * to search or validation at random; on MLE-bench's prepared data no train case has more than four
 * days left, so this only matters on other data). Hidden case-days move from train/ to the part's
 * folder; inputs are `id`, `class`; answers rename segmentation to `predicted` (copied byte for
 * byte) and add image_width and image_height from the scan file names, in the input's row order,
 * since the grader pairs rows by position.
 */
export const uwMadisonSplitter: Splitter = async (ctx) => {
  const where = whereOf(ctx);
  const file = sourceFile(ctx, 'train.csv');
  const cases: string[] = [];
  const daysOf = new Map<string, Set<string>>();
  const header = await scanCsv(file, (cells, line, h) => {
    const id = cells[h.require('id', `${where}.id`)]!;
    const p = parseId(id);
    if (!p) throw new ConfigError(`${file}:${line}: id "${id}" is not case<N>_day<M>_slice_<nnnn>`);
    if (!daysOf.has(p.kase)) {
      cases.push(p.kase);
      daysOf.set(p.kase, new Set());
    }
    daysOf.get(p.kase)!.add(p.day);
  });
  const idIdx = header.require('id', `${where}.id`);
  const clsIdx = header.require('class', `${where}.id`);
  const segIdx = header.require('segmentation', `${where}.label`);
  const caseOf = assignKeys(ctx, cases);
  const rng = splitRng(ctx.seed, 'uw-madison/late-days');
  const dayPart = new Map<string, 'train' | HiddenPart>();
  for (const k of cases) {
    const days = [...daysOf.get(k)!].sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    const part = caseOf.get(k)!;
    const late: HiddenPart =
      rng.next() < ctx.fractions.search / (ctx.fractions.search + ctx.fractions.validation)
        ? 'search'
        : 'validation';
    days.forEach((d, i) =>
      dayPart.set(`${k}_${d}`, part !== 'train' ? part : i < DAYS_KEPT ? 'train' : late),
    );
  }
  const split = await partitionCsv(file, join(ctx.outPublic, 'train.csv'), (cells) => {
    const p = parseId(cells[idIdx]!)!;
    return dayPart.get(`${p.kase}_${p.day}`)!;
  });
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const inputs = { search: [] as string[], validation: [] as string[] };
  const skip = ['train.csv'];
  for (const part of HIDDEN_PARTS) {
    const caseDays = [...dayPart].filter(([, v]) => v === part).map(([k]) => k);
    const size = new Map<string, [string, string]>();
    for (const cd of caseDays) {
      const kase = cd.split('_')[0]!;
      const dir = join(ctx.source, 'train', kase, cd);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
      for (const f of listFiles(dir)) {
        skip.push(moveMedia(ctx, `train/${kase}/${cd}/${f}`, `${part}/${kase}/${cd}/${f}`));
        const m = /(?:^|\/)slice_(\d+)_(\d+)_(\d+)_[^/]*\.png$/.exec(f);
        if (m) size.set(`${cd}_slice_${m[1]}`, [m[2]!, m[3]!]);
      }
    }
    const rows = split.hidden[part];
    inputs[part].push(`${part}.csv`);
    await writeTable(
      join(ctx.outPublic, `${part}.csv`),
      ['id', 'class'],
      rows.map((r) => [r[idIdx]!, r[clsIdx]!]),
    );
    answers[part] = join(ctx.outHidden, `${part}.csv`);
    await writeTable(
      answers[part],
      ['id', 'class', 'predicted', 'image_width', 'image_height'],
      rows.map((r) => {
        const wh = size.get(r[idIdx]!);
        if (!wh)
          throw new ConfigError(
            `${where}: no scan slice_<nnnn>_<w>_<h>_….png for ${r[idIdx]} under ${join(ctx.source, 'train')} (its size is needed to grade)`,
          );
        return [r[idIdx]!, r[clsIdx]!, r[segIdx]!, `${wh[0]}.0`, `${wh[1]}.0`];
      }),
    );
    samples[part] = `sample_submission_${part}.csv`;
    await writeTable(
      join(ctx.outPublic, samples[part]),
      ['id', 'class', 'predicted'],
      rows.map((r) => [r[idIdx]!, r[clsIdx]!, '1 1 5 2']),
    );
  }
  return {
    answers,
    inputs,
    samples,
    media: partFolders(),
    skip,
    hidden: null,
    counts: unitCounts(cases, (k) => caseOf.get(k), rowsOf(split)),
    method: `cases assigned at random, and days after a train case's ${DAYS_KEPT}th held out, as MLE-bench builds its test; answers in input row order`,
  };
};
