import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { prepareHce } from '../prepare.js';
import { writeFile } from '@aira/synth';
import { tempDir } from '../test-support/fixtures.js';
import { toyCompetition } from '../test-support/toy.js';
import { fileFormat } from './format.js';

const root = tempDir('format');

/** A toy competition whose labelled file is `labelled` (relative to prepared/), written by `write`. */
async function toyWith(id: string, labelled: string, write: (pub: string) => void) {
  const data = {
    modality: ['tabular'],
    task: 'binary-classification',
    labelled: [labelled],
    ids: { file: labelled, columns: ['id'] },
    labels: { file: labelled, columns: ['label'] },
    testInputs: ['public/test.csv'],
    sampleSubmission: 'public/sample_submission.csv',
    answers: 'private/test.csv',
  };
  const c = await toyCompetition(join(root, id), {
    id,
    manifest: {
      data,
      split: { method: 'builtin', labelled, id: ['id'], label: ['label'], unit: { by: 'row' } },
    },
  });
  write(c.paths.public);
  return c;
}

describe('the built-in splitter names what it cannot read', () => {
  it('a zip archive, JSON Lines and a binary file are named as such, not read as CSV', async () => {
    const csv = 'id,patient,f1,label\nt1,p1,0.5,yes\n';
    const zip = await toyWith('toy-zip', 'public/train_v2.txt.zip', (pub) =>
      writeFile(
        join(pub, 'train_v2.txt.zip'),
        zipSync({ 'train_v2.txt': new TextEncoder().encode('a b c\nd e\n') }),
      ),
    );
    await expect(prepareHce(zip, { cacheDir: join(root, 'cache') })).rejects.toThrow(
      /split\.labelled: .*train_v2\.txt\.zip is a zip archive of train_v2\.txt, not a CSV or TSV; the built-in splitter reads CSV only/,
    );
    const jsonl = await toyWith('toy-jsonl', 'public/simplified-nq-train.jsonl', (pub) =>
      writeFile(join(pub, 'simplified-nq-train.jsonl'), '{"example_id":"1","annotations":[]}\n'),
    );
    await expect(prepareHce(jsonl, { cacheDir: join(root, 'cache') })).rejects.toThrow(
      /simplified-nq-train\.jsonl is a JSON Lines, not a CSV/,
    );
    expect(fileFormat(writeFile(join(root, 'x.csv'), csv))).toBe('csv');
    expect(fileFormat(writeFile(join(root, 'x.bin'), Buffer.from([1, 0, 2, 0])))).toBe('binary');
    expect(fileFormat(writeFile(join(root, 'x.json'), '[{"a":1}]'))).toBe('JSON');
  });

  it('a glob is expanded: one match is split, several are refused with the matches named', async () => {
    const one = await toyWith('toy-glob', 'public/tables/*/labels.csv', (pub) =>
      writeFile(
        join(pub, 'tables/a/labels.csv'),
        [
          'id,patient,f1,label',
          ...Array.from({ length: 40 }, (_, i) => `r${i},p${i % 7},0.${i},${i % 2 ? 'yes' : 'no'}`),
        ].join('\n') + '\n',
      ),
    );
    const s = await prepareHce(one, { cacheDir: join(root, 'cache') });
    expect(s.manifest.counts.search!.rows).toBe(4);
    expect(s.manifest.counts.train!.rows).toBe(32);
    const many = await toyWith('toy-globs', 'public/train/*/*/ground_truth.csv', (pub) => {
      for (const d of ['2020-05-15-US-MTV-1/GooglePixel4', '2020-06-01-US-SJC-1/XiaomiMi8'])
        writeFile(join(pub, 'train', d, 'ground_truth.csv'), 'id,label\nx,1\n');
    });
    await expect(prepareHce(many, { cacheDir: join(root, 'cache') })).rejects.toThrow(
      /public\/train\/\*\/\*\/ground_truth\.csv matches 2 files \(train\/2020-05-15-US-MTV-1\/GooglePixel4\/ground_truth\.csv, .*\); the built-in splitter splits one CSV/,
    );
  });
});
