import { aiff } from '../media.js';
import { writeCsv, writeZip } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths } from './common.js';

/**
 * train2.zip (train2/YYYYMMDD_HHMMSS_<s>s_TRAIN<idx>_<label>.aif, the first two recording days),
 * test2.zip (test2/YYYYMMDD_HHMMSS_<s>s_Test<idx>.aif, the next two); answers private/test.csv
 * (clip, probability 0/1); sampleSubmission.csv probability 0. `size` counts train clips.
 */
export const theIcml2013WhaleChallengeRightWhaleRedux: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const days = ['20090328', '20090329', '20090330', '20090331'];
  const clip = (day: string) => {
    const sec = rng.int(86_400);
    const hhmmss = [Math.floor(sec / 3600), Math.floor(sec / 60) % 60, sec % 60]
      .map((x) => String(x).padStart(2, '0'))
      .join('');
    return { stem: `${day}_${hhmmss}_${sec}s${rng.int(10)}ms`, label: rng.float() < 0.3 ? 1 : 0 };
  };
  const train = Array.from({ length: size }, (_, i) => clip(days[i % 2]!));
  const test = Array.from({ length: Math.max(4, Math.ceil(size / 2)) }, (_, i) => clip(days[2 + (i % 2)]!));
  writeZip(
    pub('train2.zip'),
    Object.fromEntries(
      train.map((c, i) => [`train2/${c.stem}_TRAIN${i}_${c.label}.aif`, aiff(c.label ? 150 : 60)]),
    ),
  );
  const names = test.map((c, i) => `${c.stem}_Test${i}.aif`);
  writeZip(
    pub('test2.zip'),
    Object.fromEntries(test.map((c, i) => [`test2/${names[i]}`, aiff(c.label ? 150 : 60)])),
  );
  writeCsv(
    priv('test.csv'),
    ['clip', 'probability'],
    test.map((c, i) => [names[i]!, c.label]),
  );
  writeCsv(
    pub('sampleSubmission.csv'),
    ['clip', 'probability'],
    names.map((n) => [n, 0]),
  );
};
