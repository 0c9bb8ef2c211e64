import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { prepareHce } from '../prepare.js';
import { listFiles } from '../split/files.js';
import { perfectSubmission } from '../test-support/perfect.js';
import { SynthRng, writeCsv, writeFile } from '@aira/synth';
import { competitions, tempDir } from '../test-support/fixtures.js';
import { csvObjects } from '../test-support/recipes.js';

/**
 * Hidden media leave any path that encodes a label (each manifest's split.notes): hotel-id's
 * train_images/<chain>/ and kuzushiji's train_images.zip. The data are tiny prepared layouts
 * written here (docs/hce-recipes.md).
 */
const data = tempDir('media-data');
const cache = tempDir('media-cache');
const scratch = tempDir('media-sub');
const rng = new SynthRng(7, 'labelled-media');
const bytes = () => Buffer.from(Array.from({ length: 16 }, () => rng.int(256)));

describe('hidden media leave label-encoding paths', () => {
  it('hotel-id-2021-fgvc8: hidden images move from train_images/<chain>/ to flat search_images/ and validation_images/', async () => {
    const root = join(data, 'hotel-id-2021-fgvc8', 'prepared');
    const rows = Array.from(
      { length: 60 },
      (_, i) =>
        [
          `${rng.hex(16)}.jpg`,
          rng.int(6),
          10_000 + rng.int(12) * 7,
          `2018-01-0${1 + (i % 9)} 10:00:00`,
        ] as const,
    );
    const test = rows.slice(50);
    writeCsv(
      join(root, 'public/train.csv'),
      ['image', 'chain', 'hotel_id', 'timestamp'],
      rows.slice(0, 50).map((r) => [...r]),
    );
    writeCsv(
      join(root, 'public/sample_submission.csv'),
      ['image', 'hotel_id'],
      test.map((r) => [r[0], '36363 53586 18807 64314 60181']),
    );
    writeCsv(
      join(root, 'private/test.csv'),
      ['image', 'chain', 'hotel_id', 'timestamp'],
      test.map((r) => [...r]),
    );
    for (const r of rows.slice(0, 50))
      writeFile(join(root, 'public/train_images', String(r[1]), r[0]), bytes());
    for (const r of test) writeFile(join(root, 'public/test_images', r[0]), bytes());
    const c = (await competitions()).create('hotel-id-2021-fgvc8', { dataDir: data });
    const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
    const trainImages = listFiles(join(s.publicDir, 'train_images'));
    const train = await csvObjects(join(s.publicDir, 'train.csv'));
    expect(trainImages.map((f) => f.split('/')[1]).sort()).toEqual(train.map((r) => r['image']).sort());
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      expect(answers.length).toBe(5);
      expect(listFiles(join(s.publicDir, `${part}_images`))).toEqual(answers.map((a) => a['image']).sort());
      for (const a of answers)
        expect(readFileSync(join(s.publicDir, `${part}_images`, a['image']!))).toEqual(
          readFileSync(join(c.paths.public, 'train_images', a['chain']!, a['image']!)),
        );
      const sub = writeFile(
        join(scratch, `hotel-${part}.csv`),
        await perfectSubmission(join(s.publicDir, s.manifest.samples[part]), s.answers[part]),
      );
      expect(await c.grade(sub, s.answers[part])).toMatchObject({ valid: true, score: 1 });
    }
  });

  it('kuzushiji-recognition: hidden pages leave train_images.zip for their own search_images.zip and validation_images.zip', async () => {
    const root = join(data, 'kuzushiji-recognition', 'prepared');
    const pages = Array.from({ length: 40 }, (_, i) => ({
      id: `1002${i % 4}_${String(i + 1).padStart(3, '0')}`,
      labels: `U+306F ${100 + i} 200 30 40`,
      jpg: bytes(),
    }));
    const test = pages.slice(30);
    writeCsv(
      join(root, 'public/train.csv'),
      ['image_id', 'labels'],
      pages.slice(0, 30).map((p) => [p.id, p.labels]),
    );
    writeCsv(join(root, 'public/unicode_translation.csv'), ['Unicode', 'char'], [['U+306F', 'は']]);
    writeCsv(
      join(root, 'public/sample_submission.csv'),
      ['image_id', 'labels'],
      test.map((p) => [p.id, 'U+003F 1 1 U+FF2F 2 2']),
    );
    writeCsv(
      join(root, 'private/test.csv'),
      ['image_id', 'labels'],
      test.map((p) => [p.id, p.labels]),
    );
    writeFile(
      join(root, 'public/train_images.zip'),
      zipSync(Object.fromEntries(pages.slice(0, 30).map((p) => [`${p.id}.jpg`, p.jpg]))),
    );
    writeFile(
      join(root, 'public/test_images.zip'),
      zipSync(Object.fromEntries(test.map((p) => [`${p.id}.jpg`, p.jpg]))),
    );
    const c = (await competitions()).create('kuzushiji-recognition', { dataDir: data });
    const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
    const entries = (f: string) => unzipSync(readFileSync(join(s.publicDir, f)));
    const train = await csvObjects(join(s.publicDir, 'train.csv'));
    expect(Object.keys(entries('train_images.zip')).sort()).toEqual(
      train.map((r) => `${r['image_id']}.jpg`).sort(),
    );
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      expect(answers.length).toBe(3);
      const zip = entries(`${part}_images.zip`);
      expect(Object.keys(zip).sort()).toEqual(answers.map((a) => `${a['image_id']}.jpg`).sort());
      for (const a of answers)
        expect(Buffer.from(zip[`${a['image_id']}.jpg`]!)).toEqual(
          pages.find((p) => p.id === a['image_id'])!.jpg,
        );
    }
    expect(existsSync(join(s.publicDir, 'test_images.zip'))).toBe(true);
    expect(readFileSync(join(s.publicDir, 'description.md'), 'utf8')).toContain(
      '| validation | `validation_images.zip` |',
    );
  });
});
