import { jpeg } from '../media.js';
import { writeCsv, writeZip } from '../write.js';
import type { SynthWriter } from '../types.js';
import { level, paths, testCount } from './common.js';

const CHARS = ['U+306F', 'U+304C', 'U+3044', 'U+306E', 'U+3092', 'U+306B', 'U+3068', 'U+3057'];

/**
 * train.csv (image_id, labels = "unicode x y w h" 5-tuples, empty for pages without characters),
 * unicode_translation.csv, train_images.zip / test_images.zip (flat <image_id>.jpg); no public
 * test.csv; answers private/test.csv (5-tuples) and private/gold_submission.csv (centre triples).
 */
export const kuzushijiRecognition: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const books = Array.from({ length: Math.max(3, Math.ceil(size / 20)) }, (_, b) => `${100241 + b * 13}`);
  const pages = Array.from({ length: size + testCount(size) }, (_, i) => {
    const boxes = Array.from(
      { length: rng.int(5) },
      () =>
        [
          rng.pick(CHARS),
          100 + rng.int(2000),
          100 + rng.int(3000),
          20 + rng.int(80),
          20 + rng.int(80),
        ] as const,
    );
    return { id: `${rng.pick(books)}_${String(i + 1).padStart(3, '0')}`, boxes };
  });
  const labels = (p: (typeof pages)[number]) => p.boxes.map((b) => b.join(' ')).join(' ');
  const train = pages.slice(0, size);
  const test = pages.slice(size);
  writeCsv(
    pub('train.csv'),
    ['image_id', 'labels'],
    train.map((p) => [p.id, labels(p)]),
  );
  writeCsv(
    pub('unicode_translation.csv'),
    ['Unicode', 'char'],
    CHARS.map((c) => [c, String.fromCodePoint(parseInt(c.slice(2), 16))]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['image_id', 'labels'],
    test.map((p) => [p.id, 'U+003F 1 1 U+FF2F 2 2']),
  );
  writeCsv(
    priv('test.csv'),
    ['image_id', 'labels'],
    test.map((p) => [p.id, labels(p)]),
  );
  writeCsv(
    priv('gold_submission.csv'),
    ['image_id', 'labels'],
    test.map((p) => [
      p.id,
      p.boxes.map(([u, x, y, w, h]) => `${u} ${x + Math.floor(w / 2)} ${y + Math.floor(h / 2)}`).join(' '),
    ]),
  );
  writeZip(pub('train_images.zip'), Object.fromEntries(train.map((p) => [`${p.id}.jpg`, jpeg(level(rng))])));
  writeZip(pub('test_images.zip'), Object.fromEntries(test.map((p) => [`${p.id}.jpg`, jpeg(level(rng))])));
};
