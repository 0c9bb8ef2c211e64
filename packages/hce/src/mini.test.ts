import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from './csv/read.js';
import { prepareHce } from './prepare.js';
import { competitions, tempDir, writeFile } from './test-support/fixtures.js';
import { perfectSubmission } from './test-support/perfect.js';

// The mini suite's data, prepared from Debian's files by the plugin's own prepare() (idempotent,
// shared with other runs of this file), then split by HCE as any run of `aira run --suite mini` would.
const data = join(tmpdir(), `aira-hce-mini-${process.getuid?.() ?? 0}`);
const cache = tempDir('mini-cache');
const scratch = tempDir('mini-sub');

const MINI = ['mini-breast-cancer', 'mini-diabetes', 'mini-fortunes', 'mini-fashion-mnist'];

describe.each(MINI)('%s (plugins/mini) under HCE', (id) => {
  it('splits its labelled data, keeps strata balanced where the manifest asks, and its code grader accepts the hidden answers', async () => {
    const c = (await competitions()).create(id, { dataDir: data });
    if (!existsSync(join(c.paths.prepared, '.aira-mini-prepared.json')) || !existsSync(c.paths.answers)) {
      await c.code.prepare!({
        competition: c,
        root: join(data, id),
        public: c.paths.public,
        private: c.paths.private,
      });
    }
    const s = await prepareHce(c, { cacheDir: cache });
    const spec = c.manifest.split;
    const labelled = await readCsvRecords(join(c.paths.public, 'train.csv'));
    const n = labelled.rows.length;
    expect(s.manifest.counts.search!.rows).toBe(Math.round(n * 0.1));
    expect(
      s.manifest.counts.train!.rows + s.manifest.counts.search!.rows + s.manifest.counts.validation!.rows,
    ).toBe(n);
    if (spec.stratify) {
      const col = labelled.header.cells.indexOf(spec.stratify);
      const share = (rows: string[][], i: number, v: string) =>
        rows.filter((r) => r[i] === v).length / rows.length;
      const classes = [...new Set(labelled.rows.map((r) => r.cells[col]!))];
      for (const part of ['search', 'validation'] as const) {
        const a = await readCsvRecords(s.answers[part]);
        const i = a.header.cells.indexOf(spec.stratify);
        for (const v of classes) {
          // Largest remainder keeps each class within one row of its exact share.
          expect(
            Math.abs(
              share(
                a.rows.map((r) => r.cells),
                i,
                v,
              ) *
                a.rows.length -
                share(
                  labelled.rows.map((r) => r.cells),
                  col,
                  v,
                ) *
                  a.rows.length,
            ),
          ).toBeLessThanOrEqual(1);
        }
      }
    }
    for (const part of ['search', 'validation', 'test'] as const) {
      const sub = writeFile(
        join(scratch, id, `${part}.csv`),
        await perfectSubmission(join(s.publicDir, s.manifest.samples[part]), s.answers[part]),
      );
      const g = await c.grade(sub, s.answers[part]);
      expect(g, g.error).toMatchObject({ valid: true });
      const best = c.manifest.direction === 'higher-is-better' ? 1 : 0;
      expect(g.score).toBeCloseTo(best, 4);
    }
  }, 300_000);
});
