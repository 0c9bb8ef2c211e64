import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { ConfigError } from '@aira/core';
import { splitRng } from '../rng.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import { partFileName, sampleFileName } from '../split/names.js';
import type { Splitter } from '../split/types.js';
import { assignKeys, partitionCsv, rowCounts, scanCsv, sourceFile, whereOf, writeTable } from './common.js';
import { stripMatField } from './mat.js';
import { tarEntries, TarGzWriter } from './tar.js';

const TRAIN_ARCHIVES = ['training1.tar.gz', 'training2.tar.gz', 'training3.tar.gz'];
const TEST_ARCHIVE = 'test.tar.gz';
/** The per-sample MATLAB file: skeleton frames and Video.Labels, i.e. the answers (MLE-bench issue #77). */
const isLabelFile = (entry: string) => /_data\.mat$/i.test(entry);

/**
 * A sample zip whose `_data.mat` no longer holds `Labels` (emptied, the skeleton frames kept);
 * a `_data.mat` this reader cannot parse is withheld instead.
 */
export function withoutLabels(zip: Uint8Array, where: string): Uint8Array {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (err) {
    throw new ConfigError(`${where}: not a readable zip (${(err as Error).message})`);
  }
  const kept: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(entries)) {
    if (!isLabelFile(name)) kept[name] = data;
    else {
      const stripped = stripMatField(data, 'Labels');
      if (stripped) kept[name] = stripped;
    }
  }
  return zipSync(kept, { level: 0, mtime: new Date('2020-01-01T00:00:00Z') });
}

/** `SampleNNNNN.zip` → its 4-digit Id as training.csv writes it. */
const sampleId = (entry: string) => /Sample\d*?(\d{4})\.zip$/i.exec(basename(entry))?.[1] ?? null;

/**
 * multi-modal-gesture-recognition (docs/hce-recipes.md): a sample (recording) is the unit.
 * Hidden samples are pulled out of training1-3.tar.gz (rewritten without them) into
 * search.tar.gz / validation.tar.gz, and in every sample zip whose labels must not be public
 * (hidden samples, and MLE-bench's own test.tar.gz) the `Labels` field of `_data.mat` (gesture
 * names and frame ranges: MLE-bench issue #77) is emptied, keeping the skeleton frames; a
 * `_data.mat` that is not a readable MAT v5 file is withheld. Inputs list the Ids like
 * test.csv; answers are `Id`, `Sequence` rows of training.csv (Ids zero-padded as there); samples
 * are seeded random permutations of 1..20, like randomPredictions.csv.
 */
export const multiModalGestureSplitter: Splitter = async (ctx) => {
  const c = ctx.competition;
  const where = whereOf(ctx);
  const file = sourceFile(ctx, 'training.csv');
  const ids: string[] = [];
  const header = await scanCsv(file, (cells, _l, h) => void ids.push(cells[h.require('Id', `${where}.id`)]!));
  const idIdx = header.require('Id', `${where}.id`);
  const seqIdx = header.require('Sequence', `${where}.label`);
  const partOf = assignKeys(ctx, ids);
  const split = await partitionCsv(file, join(ctx.outPublic, 'training.csv'), (cells) =>
    partOf.get(cells[idIdx]!)!,
  );

  const parts = Object.fromEntries(
    HIDDEN_PARTS.map((p) => [p, new TarGzWriter(join(ctx.outPublic, partFileName(TEST_ARCHIVE, p)))]),
  ) as Record<HiddenPart, TarGzWriter>;
  const found = new Set<string>();
  for (const archive of TRAIN_ARCHIVES) {
    const src = join(ctx.source, archive);
    if (!existsSync(src)) continue;
    const out = new TarGzWriter(join(ctx.outPublic, archive));
    for await (const e of tarEntries(src)) {
      const id = sampleId(e.name);
      const p = id ? partOf.get(id) : undefined;
      if (!p || p === 'train') {
        await out.add(e.name, e.data);
        continue;
      }
      found.add(id!);
      await parts[p].add(basename(e.name), withoutLabels(e.data, `${src}: ${e.name}`));
    }
    await out.close();
  }
  for (const p of HIDDEN_PARTS) await parts[p].close();
  const testSrc = join(ctx.source, TEST_ARCHIVE);
  if (existsSync(testSrc)) {
    const out = new TarGzWriter(join(ctx.outPublic, TEST_ARCHIVE));
    for await (const e of tarEntries(testSrc))
      await out.add(
        e.name,
        e.name.toLowerCase().endsWith('.zip') ? withoutLabels(e.data, `${testSrc}: ${e.name}`) : e.data,
      );
    await out.close();
  }
  const missing = ids.filter((id) => partOf.get(id) !== 'train' && !found.has(id));
  if (missing.length)
    throw new ConfigError(
      `${where}: hidden samples ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} are in training.csv but in none of ${TRAIN_ARCHIVES.join(', ')}`,
    );

  const rng = splitRng(ctx.seed, 'multi-modal-gesture/sample');
  const sampleRel = basename(c.paths.sampleSubmission);
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const inputs = { search: [] as string[], validation: [] as string[] };
  for (const p of HIDDEN_PARTS) {
    const rows = split.hidden[p];
    answers[p] = join(ctx.outHidden, `${p}.csv`);
    await writeTable(
      answers[p],
      ['Id', 'Sequence'],
      rows.map((r) => [r[idIdx]!, r[seqIdx]!]),
    );
    inputs[p].push(`${p}.csv`);
    await writeTable(
      join(ctx.outPublic, `${p}.csv`),
      ['Id'],
      rows.map((r) => [r[idIdx]!]),
    );
    samples[p] = sampleFileName(sampleRel, p);
    await writeTable(
      join(ctx.outPublic, samples[p]),
      ['Id', 'Sequence'],
      rows.map((r) => [r[idIdx]!, rng.shuffle(Array.from({ length: 20 }, (_, k) => k + 1)).join(' ')]),
    );
  }
  return {
    answers,
    inputs,
    samples,
    media: {
      search: [partFileName(TEST_ARCHIVE, 'search')],
      validation: [partFileName(TEST_ARCHIVE, 'validation')],
    },
    skip: ['training.csv', ...TRAIN_ARCHIVES, TEST_ARCHIVE],
    hidden: { keys: new Set(ids.filter((id) => partOf.get(id) !== 'train')), keyColumns: ['Id'] },
    counts: rowCounts(split),
    method:
      'samples assigned at random; hidden sample zips moved out of training1-3.tar.gz into search.tar.gz and validation.tar.gz; Labels emptied in the _data.mat of hidden and test samples (unreadable ones withheld)',
  };
};
