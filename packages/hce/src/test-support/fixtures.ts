import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { loadRegistry, type Competition, type Registry } from '@aira/competitions';
import { csvLine } from '../csv/write.js';
import { SplitRng } from '../rng.js';

/** A temp folder removed after the file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `aira-hce-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeFile(path: string, content: string | Buffer): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

export function writeCsv(path: string, header: string[], rows: Array<Array<string | number>>): string {
  return writeFile(path, [header, ...rows].map((r) => csvLine(r.map(String))).join(''));
}

/** Deterministic fixture randomness (not the split's: a different purpose label). */
export class FixtureRng {
  private readonly r: SplitRng;
  constructor(seed: number) {
    this.r = new SplitRng(seed, 'fixture');
  }
  float(): number {
    return this.r.next() / 0x1_0000_0000;
  }
  int(n: number): number {
    return this.r.below(n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.r.next().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
  /** A decimal with many digits: a value that occurs nowhere by chance. */
  decimal(lo: number, hi: number, digits = 13): string {
    return (lo + (hi - lo) * this.float()).toFixed(digits);
  }
}

const prepared = (data: string, id: string) => join(data, id, 'prepared');

/**
 * Small synthetic data in the prepared MLE-bench layouts of the five low-complexity MLE-bench-30
 * competitions (reference/mlebench-30-layouts.md): same files, columns and id conventions, few rows.
 */
export const FIXTURES: Record<string, (data: string, rng: FixtureRng, n: number) => void> = {
  'aptos2019-blindness-detection'(data, rng, n) {
    const root = prepared(data, 'aptos2019-blindness-detection');
    const row = () => [rng.hex(12), rng.int(5)] as const;
    const train = Array.from({ length: n }, row);
    const test = Array.from({ length: Math.ceil(n / 10) }, row);
    writeCsv(join(root, 'public/train.csv'), ['id_code', 'diagnosis'], train.map((r) => [...r]));
    writeCsv(join(root, 'public/test.csv'), ['id_code'], test.map((r) => [r[0]]));
    writeCsv(join(root, 'public/sample_submission.csv'), ['id_code', 'diagnosis'], test.map((r) => [r[0], 0]));
    writeCsv(join(root, 'private/test.csv'), ['id_code', 'diagnosis'], test.map((r) => [...r]));
    for (const [id] of train) writeFile(join(root, 'public/train_images', `${id}.png`), Buffer.from(`png ${id}`));
    for (const [id] of test) writeFile(join(root, 'public/test_images', `${id}.png`), Buffer.from(`png ${id}`));
  },
  'mlsp-2013-birds'(data, rng, n) {
    const root = prepared(data, 'mlsp-2013-birds');
    const species = 19;
    const recs = Array.from({ length: n }, (_, i) => ({ rec: i, test: rng.float() < 0.2, labels: [...new Set(Array.from({ length: rng.int(3) }, () => rng.int(species)))].sort((a, b) => a - b) }));
    const ess = join(root, 'public/essential_data');
    writeFile(join(ess, 'rec_labels_test_hidden.txt'), ['rec_id,[labels]', ...recs.map((r) => (r.test ? `${r.rec},?` : [r.rec, ...r.labels].join(',')))].join('\n') + '\n');
    writeFile(join(ess, 'CVfolds_2.txt'), ['rec_id,fold', ...recs.map((r) => `${r.rec},${r.test ? 1 : 0}`)].join('\n') + '\n');
    writeFile(join(ess, 'rec_id2filename.txt'), ['rec_id,filename', ...recs.map((r) => `${r.rec},PC1_2009${String(r.rec).padStart(4, '0')}`)].join('\n') + '\n');
    writeFile(join(ess, 'species_list.txt'), ['class_id,code,species', ...Array.from({ length: species }, (_, s) => `${s},SP${s},Species ${s}`)].join('\n') + '\n');
    for (const r of recs) writeFile(join(ess, 'src_wavs', `PC1_2009${String(r.rec).padStart(4, '0')}.wav`), Buffer.from(`wav ${r.rec}`));
    writeFile(join(root, 'public/supplemental_data/histogram_of_segments.txt'), ['rec_id,f0', ...recs.map((r) => `${r.rec},${rng.float().toFixed(4)}`)].join('\n') + '\n');
    const test = recs.filter((r) => r.test);
    const melted = (f: (r: (typeof recs)[number], s: number) => string | number) => test.flatMap((r) => Array.from({ length: species }, (_, s) => [r.rec * 100 + s, f(r, s)]));
    writeCsv(join(root, 'public/sample_submission.csv'), ['Id', 'Probability'], melted(() => 0));
    writeCsv(join(root, 'private/answers.csv'), ['Id', 'Probability'], melted((r, s) => (r.labels.includes(s) ? 1 : 0)));
  },
  'new-york-city-taxi-fare-prediction'(data, rng, n) {
    const root = prepared(data, 'new-york-city-taxi-fare-prediction');
    const cols = ['key', 'fare_amount', 'pickup_datetime', 'pickup_longitude', 'pickup_latitude', 'dropoff_longitude', 'dropoff_latitude', 'passenger_count'];
    const row = (i: number) => {
      const t = `2012-0${1 + rng.int(9)}-1${rng.int(10)} 1${rng.int(10)}:${10 + rng.int(50)}:${10 + rng.int(50)}`;
      return [`${t}.000000${i}`, rng.decimal(2.5, 80), `${t} UTC`, rng.decimal(-74.1, -73.7, 6), rng.decimal(40.6, 40.9, 6), rng.decimal(-74.1, -73.7, 6), rng.decimal(40.6, 40.9, 6), 1 + rng.int(5)];
    };
    const train = Array.from({ length: n }, (_, i) => row(i));
    const test = Array.from({ length: Math.ceil(n / 10) }, (_, i) => row(n + i));
    writeCsv(join(root, 'public/labels.csv'), cols, train);
    writeCsv(join(root, 'public/test.csv'), cols.filter((c) => c !== 'fare_amount'), test.map((r) => r.filter((_, i) => i !== 1)));
    writeCsv(join(root, 'public/sample_submission.csv'), ['key', 'fare_amount'], test.map((r) => [r[0]!, 11.35]));
    writeCsv(join(root, 'private/test.csv'), cols, test);
  },
  'nomad2018-predict-transparent-conductors'(data, rng, n) {
    const root = prepared(data, 'nomad2018-predict-transparent-conductors');
    const features = ['spacegroup', 'number_of_total_atoms', 'percent_atom_al', 'percent_atom_ga', 'percent_atom_in', 'lattice_vector_1_ang', 'lattice_vector_2_ang', 'lattice_vector_3_ang', 'lattice_angle_alpha_degree', 'lattice_angle_beta_degree', 'lattice_angle_gamma_degree'];
    const targets = ['formation_energy_ev_natom', 'bandgap_energy_ev'];
    const row = (id: number) => [id, rng.pick([12, 33, 167, 194, 206, 227]), rng.pick([10, 20, 30, 40, 60, 80]), ...Array.from({ length: 9 }, () => rng.decimal(0, 90, 4)), rng.decimal(0.01, 0.6, 6), rng.decimal(0.5, 5.5, 6)];
    const train = Array.from({ length: n }, (_, i) => row(i + 1));
    const test = Array.from({ length: Math.ceil(n / 10) }, (_, i) => row(i + 1));
    writeCsv(join(root, 'public/train.csv'), ['id', ...features, ...targets], train);
    writeCsv(join(root, 'public/test.csv'), ['id', ...features], test.map((r) => r.slice(0, 12)));
    writeCsv(join(root, 'public/sample_submission.csv'), ['id', ...targets], test.map((r) => [r[0]!, 0.1779, 1.8892]));
    writeCsv(join(root, 'private/test.csv'), ['id', ...features, ...targets], test);
    for (const r of train) writeFile(join(root, 'public/train', String(r[0]), 'geometry.xyz'), `lattice_vector ${r[5]}\natom 0 0 0 Al # train ${r[0]}\n`);
    for (const r of test) writeFile(join(root, 'public/test', String(r[0]), 'geometry.xyz'), `lattice_vector ${r[5]}\natom 0 0 0 Ga # test ${r[0]}\n`);
  },
  'spooky-author-identification'(data, rng, n) {
    const root = prepared(data, 'spooky-author-identification');
    const words = ['raven', 'night', 'dread', 'ancient', 'shadow', 'heart', 'sea', 'mountain', 'strange', 'horror', 'tomb', 'love'];
    const authors = ['EAP', 'HPL', 'MWS'];
    const row = () => {
      const author = rng.pick(authors);
      const text = Array.from({ length: 6 + rng.int(8) }, () => rng.pick(words)).join(' ') + (rng.float() < 0.3 ? ', "she said."' : '.');
      return [`id${rng.hex(8)}`, text, author];
    };
    const train = Array.from({ length: n }, row);
    const test = Array.from({ length: Math.ceil(n / 10) }, row);
    writeCsv(join(root, 'public/train.csv'), ['id', 'text', 'author'], train);
    writeCsv(join(root, 'public/test.csv'), ['id', 'text'], test.map((r) => r.slice(0, 2)));
    writeCsv(join(root, 'public/sample_submission.csv'), ['id', 'EAP', 'HPL', 'MWS'], test.map((r) => [r[0]!, 0.403493538995863, 0.287808366106543, 0.308698094897594]));
    writeCsv(join(root, 'private/test.csv'), ['id', 'EAP', 'HPL', 'MWS'], test.map((r) => [r[0]!, ...authors.map((a) => (a === r[2] ? 1 : 0))]));
  },
};

export const FIVE = Object.keys(FIXTURES);

/** The repository's competition registry (real manifests), loaded once per test file. */
let registry: Promise<Registry> | undefined;
export function competitions(): Promise<Registry> {
  registry ??= loadRegistry();
  return registry;
}

/** A fixture competition bound to a temp data folder. */
export async function fixtureCompetition(id: string, data: string, n = 200, seed = 1): Promise<Competition> {
  FIXTURES[id]!(data, new FixtureRng(seed), n);
  return (await competitions()).create(id, { dataDir: data });
}
