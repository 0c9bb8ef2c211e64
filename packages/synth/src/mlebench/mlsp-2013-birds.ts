import { wav } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths } from './common.js';

const SPECIES = 19;
const lines = (header: string, body: string[]) => [header, ...body].join('\n') + '\n';

/**
 * essential_data/ (rec_labels_test_hidden.txt with "?" for test recordings, CVfolds_2.txt with fold 1
 * for them, rec_id2filename.txt, species_list.txt, src_wavs/*.wav), supplemental_data/; answers
 * melted to Id = rec_id × 100 + species, Probability 0/1 (docs/mlebench-layouts.md, mlsp).
 */
export const mlsp2013Birds: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const recs = Array.from({ length: size }, (_, i) => ({
    rec: i,
    test: rng.float() < 0.2,
    labels: [...new Set(Array.from({ length: rng.int(3) }, () => rng.int(SPECIES)))].sort((a, b) => a - b),
  }));
  const file = (rec: number) => `PC1_2009${String(rec).padStart(4, '0')}`;
  writeFile(
    pub('essential_data/rec_labels_test_hidden.txt'),
    lines(
      'rec_id,[labels]',
      recs.map((r) => (r.test ? `${r.rec},?` : [r.rec, ...r.labels].join(','))),
    ),
  );
  writeFile(
    pub('essential_data/CVfolds_2.txt'),
    lines(
      'rec_id,fold',
      recs.map((r) => `${r.rec},${r.test ? 1 : 0}`),
    ),
  );
  writeFile(
    pub('essential_data/rec_id2filename.txt'),
    lines(
      'rec_id,filename',
      recs.map((r) => `${r.rec},${file(r.rec)}`),
    ),
  );
  writeFile(
    pub('essential_data/species_list.txt'),
    lines(
      'class_id,code,species',
      Array.from({ length: SPECIES }, (_, s) => `${s},SP${s},Species ${s}`),
    ),
  );
  for (const r of recs)
    writeFile(pub('essential_data/src_wavs', `${file(r.rec)}.wav`), wav(200 + 50 * (r.labels[0] ?? 0)));
  writeFile(
    pub('supplemental_data/histogram_of_segments.txt'),
    lines(
      'rec_id,f0',
      recs.map((r) => `${r.rec},${rng.float().toFixed(4)}`),
    ),
  );
  const test = recs.filter((r) => r.test);
  const melted = (f: (r: (typeof recs)[number], s: number) => number) =>
    test.flatMap((r) => Array.from({ length: SPECIES }, (_, s) => [r.rec * 100 + s, f(r, s)]));
  writeCsv(
    pub('sample_submission.csv'),
    ['Id', 'Probability'],
    melted(() => 0),
  );
  writeCsv(
    priv('answers.csv'),
    ['Id', 'Probability'],
    melted((r, s) => (r.labels.includes(s) ? 1 : 0)),
  );
};
