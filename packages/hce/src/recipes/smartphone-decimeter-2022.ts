import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { readCsvRecords } from '../csv/read.js';
import { listFiles } from '../split/files.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import type { Splitter } from '../split/types.js';
import { assignKeys, counts, moveMedia, partFolders, sourceFile, whereOf, writeTable } from './common.js';

const ANSWER_COLUMNS = ['tripId', 'UnixTimeMillis', 'LatitudeDegrees', 'LongitudeDegrees'];
/** The fixed point MLE-bench's sample submission predicts everywhere. */
const SAMPLE_LAT = '37.904611315634504';
const SAMPLE_LON = '-86.48107806249548';
/** Files of a hidden trip no session may see: the labels, and the reference receiver's track (MLE-bench issue #93). */
const isLabel = (rel: string) => /(^|\/)ground_truth\.csv$/.test(rel) || /(^|\/)span_log\.nmea$/.test(rel);

/** The drive's date, `YYYY-MM-DD` from `YYYY-M-D-…` (MLE-bench's unit). */
function dateOf(drive: string): string | null {
  const [y, m, d] = drive.split('-');
  if (!/^\d+$/.test(y ?? '') || !/^\d+$/.test(m ?? '') || !/^\d+$/.test(d ?? '')) return null;
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}

/**
 * smartphone-decimeter-2022 (docs/hce-recipes.md): a drive date is the unit (every drive of that
 * date, every phone). A hidden drive's folder moves from train/ to the part's folder without its
 * ground_truth.csv and span_log.nmea (wherever under the trip they sit); the answers concatenate
 * the ground truths of the part's trips in sorted path order (`tripId` = `<drive>-<phone>`), rows
 * in file order, since the grader compares positions within a trip; the sample puts MLE-bench's
 * fixed point on the same rows.
 */
export const smartphoneDecimeterSplitter: Splitter = async (ctx) => {
  const where = whereOf(ctx);
  const trainDir = sourceFile(ctx, 'train');
  const drives = readdirSync(trainDir)
    .filter((d) => statSync(join(trainDir, d)).isDirectory())
    .sort();
  const dates = new Map<string, string>();
  for (const d of drives) {
    const date = dateOf(d);
    if (!date)
      throw new ConfigError(
        `${where}.unit: drive folder ${join(trainDir, d)} does not start with a date (YYYY-MM-DD-…)`,
      );
    dates.set(d, date);
  }
  const partOf = assignKeys(ctx, [...new Set(dates.values())].sort());
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const skip: string[] = [];
  const n = { search: 0, validation: 0, train: 0 };
  const rows: Record<string, number> = {};
  for (const p of HIDDEN_PARTS) {
    const mine = drives.filter((d) => partOf.get(dates.get(d)!) === p);
    const out: string[][] = [];
    for (const d of mine) {
      skip.push(`train/${d}`);
      const files = listFiles(join(trainDir, d));
      for (const f of files) if (!isLabel(f)) moveMedia(ctx, `train/${d}/${f}`, `${p}/${d}/${f}`);
      for (const f of files.filter((x) => /^[^/]+\/ground_truth\.csv$/.test(x))) {
        const phone = f.split('/')[0]!;
        const gt = await readCsvRecords(join(trainDir, d, f));
        const cols = ['UnixTimeMillis', 'LatitudeDegrees', 'LongitudeDegrees'].map((c) => {
          const i = gt.header.cells.indexOf(c);
          if (i < 0) throw new ConfigError(`${where}: ${join(trainDir, d, f)} has no column "${c}"`);
          return i;
        });
        for (const r of gt.rows) out.push([`${d}-${phone}`, ...cols.map((i) => r.cells[i]!)]);
      }
    }
    answers[p] = join(ctx.outHidden, `${p}.csv`);
    rows[p] = await writeTable(answers[p], ANSWER_COLUMNS, out);
    samples[p] = `sample_submission_${p}.csv`;
    await writeTable(
      join(ctx.outPublic, samples[p]),
      ANSWER_COLUMNS,
      out.map((o) => [o[0]!, o[1]!, SAMPLE_LAT, SAMPLE_LON]),
    );
    n[p] = [...partOf.values()].filter((x) => x === p).length;
  }
  n.train = partOf.size - n.search - n.validation;
  if (!existsSync(join(ctx.source, 'metadata')))
    throw new ConfigError(`${where}: ${join(ctx.source, 'metadata')} is missing (is the data prepared?)`);
  return {
    answers,
    inputs: { search: [], validation: [] },
    samples,
    media: partFolders(),
    skip,
    hidden: null,
    counts: counts(n.train, n.search, n.validation, {
      search: rows['search'],
      validation: rows['validation'],
    }),
    method:
      'drive dates assigned at random (all drives and phones of a date together); hidden drives move without ground_truth.csv and span_log.nmea',
  };
};
