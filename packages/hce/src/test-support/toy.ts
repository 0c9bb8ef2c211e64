import { join } from 'node:path';
import { loadRegistry, type Competition } from '@aira/competitions';
import { ACCURACY_PY, manifestFor } from '@aira/testing';
import { fixtureRng, writeCsv, writeFile } from './fixtures.js';

export { ACCURACY_PY };

export interface ToyOptions {
  id?: string;
  rows?: number;
  seed?: number;
  /** Manifest fields replacing the defaults (split, leaks…). */
  manifest?: Record<string, unknown>;
  /** Plugin code (index.js) beside the manifest. */
  code?: string;
}

/**
 * A small competition made by a test: labelled train.csv (id, patient, f1, label), test.csv,
 * sample submission, answers, and side tables that some tests declare as leaking. The plugin
 * folder and the data folder are separate, as they are for real plugins.
 */
export async function toyCompetition(root: string, o: ToyOptions = {}): Promise<Competition> {
  const id = o.id ?? 'toy';
  const rng = fixtureRng(o.seed ?? 5);
  const n = o.rows ?? 200;
  const pub = join(root, 'data', id, 'prepared', 'public');
  const priv = join(root, 'data', id, 'prepared', 'private');
  const row = (i: number) => [`t${i}`, `p${rng.int(40)}`, rng.decimal(0, 1, 5), rng.pick(['yes', 'no'])];
  const train = Array.from({ length: n }, (_, i) => row(i));
  const test = Array.from({ length: 20 }, (_, i) => row(n + i));
  writeCsv(join(pub, 'train.csv'), ['id', 'patient', 'f1', 'label'], train);
  writeCsv(
    join(pub, 'test.csv'),
    ['id', 'patient', 'f1'],
    test.map((r) => r.slice(0, 3)),
  );
  writeCsv(
    join(pub, 'sample_submission.csv'),
    ['id', 'label'],
    test.map((r) => [r[0]!, 'no']),
  );
  writeCsv(
    join(priv, 'test.csv'),
    ['id', 'label'],
    test.map((r) => [r[0]!, r[3]!]),
  );
  // Side tables: per-patient notes that carry the label, per-row metadata, an annotation dump.
  writeCsv(
    join(pub, 'patient_notes.csv'),
    ['patient', 'note'],
    [...new Set(train.map((r) => r[1]!))].map((p) => [p, `note for ${p}`]),
  );
  writeCsv(
    join(pub, 'row_meta.csv'),
    ['id', 'label', 'extra'],
    train.map((r) => [r[0]!, r[3]!, 'x']),
  );
  writeFile(
    join(pub, 'annotations/dump.json'),
    JSON.stringify(train.map((r) => ({ id: r[0], label: r[3] }))),
  );
  writeFile(join(pub, 'description.md'), `# Toy\n\nPredict the label.\n`);
  const dir = join(root, 'plugin', id);
  writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify(
      manifestFor(id, {
        name: `Toy ${id}`,
        data: { ...(manifestFor(id).data as object), testInputs: ['public/test.csv'] },
        ...o.manifest,
      }),
    ),
  );
  writeFile(join(dir, 'grade.py'), ACCURACY_PY);
  if (o.code) writeFile(join(dir, 'index.js'), o.code);
  const reg = await loadRegistry({ pluginsDir: false, suitesDir: false, plugins: [join(root, 'plugin')] });
  if (reg.problems.length) throw new Error(reg.problems.map((p) => p.message).join('; '));
  return reg.create(id, { dataDir: join(root, 'data') });
}
