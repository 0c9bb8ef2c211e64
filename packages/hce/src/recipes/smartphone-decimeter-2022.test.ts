import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../split/files.js';
import { csvObjects, expectNoSecrets, expectPartition, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('smartphone');
const ID = 'smartphone-decimeter-2022';
const date = (drive: string) => drive.slice(0, 10);

describe(`${ID} recipe`, () => {
  it('splits drive dates, moves hidden drives without labels, answers in trip order, perfect scores 0; span_log.nmea is nowhere public', async () => {
    const { c, s } = await h.split(ID, 24);
    const allDrives = readdirSync(join(c.paths.public, 'train'));
    const trainDrives = readdirSync(join(s.publicDir, 'train'));
    const units = {
      train: [...new Set(trainDrives.map(date))],
      search: [] as string[],
      validation: [] as string[],
    };
    const secrets: string[] = [];
    for (const part of ['search', 'validation'] as const) {
      const drives = readdirSync(join(s.publicDir, part)).sort();
      units[part] = [...new Set(drives.map(date))];
      const answers = await csvObjects(s.answers[part]);
      // Answers: the ground truths of the part's trips, concatenated in path order, rows in file order.
      const expected = drives.flatMap((d) =>
        readdirSync(join(c.paths.public, 'train', d))
          .sort()
          .flatMap((phone) =>
            readFileSync(join(c.paths.public, 'train', d, phone, 'ground_truth.csv'), 'utf8')
              .trim()
              .split('\n')
              .slice(1)
              .map((l) => {
                const f = l.split(',');
                return {
                  tripId: `${d}-${phone}`,
                  UnixTimeMillis: f[8]!,
                  LatitudeDegrees: f[2]!,
                  LongitudeDegrees: f[3]!,
                };
              }),
          ),
      );
      expect(answers).toEqual(expected);
      for (const d of drives) {
        const files = listFiles(join(s.publicDir, part, d));
        expect(files.some((f) => f.endsWith('device_gnss.csv'))).toBe(true);
        expect(files.some((f) => f.endsWith('supplemental/' + f.split('/')[0] + '.nmea'))).toBe(true);
        expect(files.filter((f) => /ground_truth\.csv|span_log\.nmea/.test(f))).toEqual([]);
      }
      const g = await h.grade(c, s.answers[part], part, readFileSync(s.answers[part], 'utf8'));
      expect(g, g.error).toMatchObject({ valid: true, score: 0 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.valid && dummy.score! > 0).toBe(true);
      secrets.push(...answers.map((a) => a['LatitudeDegrees']!));
    }
    expectPartition(units);
    expect(
      trainDrives.length +
        readdirSync(join(s.publicDir, 'search')).length +
        readdirSync(join(s.publicDir, 'validation')).length,
    ).toBe(allDrives.length);
    // The leak: no reference-receiver log anywhere in the public folder (test drives included).
    expect(listFiles(s.publicDir).filter((f) => f.endsWith('span_log.nmea'))).toEqual([]);
    expect(s.manifest.leaks.filter((l) => l.path.startsWith('test/')).length).toBeGreaterThan(0);
    const testAnswers = await csvObjects(c.paths.answers);
    expectNoSecrets(s.publicDir, [...secrets, ...testAnswers.map((a) => a['LatitudeDegrees']!)]);
  });
});
