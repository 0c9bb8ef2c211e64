import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, testCount } from './common.js';

const STEPS = 80;

/**
 * train.csv (id, breath_id, R, C, time_step, u_in, u_out, pressure; 80 steps per breath, ids from
 * 1 in each file), test.csv without pressure; answers private/test.csv (the full rows: the grader
 * scores only u_out = 0). `size` counts breaths.
 */
export const ventilatorPressurePrediction: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const breath = (b: number) => {
    const R = rng.pick([5, 20, 50]);
    const C = rng.pick([10, 20, 50]);
    return Array.from({ length: STEPS }, (_, t) => {
      const uOut = t < 30 ? 0 : 1;
      return [
        b,
        R,
        C,
        (t * 0.0335).toFixed(6),
        uOut ? 0 : rng.decimal(0, 30, 6),
        uOut,
        rng.decimal(5, 40, 6),
      ];
    });
  };
  const number = (rs: Array<Array<string | number>>) => rs.map((r, i) => [i + 1, ...r]);
  const train = number(Array.from({ length: size }, (_, b) => breath(1 + b * 3)).flat());
  const test = number(Array.from({ length: testCount(size) }, (_, b) => breath(2 + b * 3)).flat());
  const cols = ['id', 'breath_id', 'R', 'C', 'time_step', 'u_in', 'u_out', 'pressure'];
  writeCsv(pub('train.csv'), cols, train);
  writeCsv(
    pub('test.csv'),
    cols.slice(0, 7),
    test.map((r) => r.slice(0, 7)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', 'pressure'],
    test.map((r) => [r[0]!, 0]),
  );
  writeCsv(priv('test.csv'), cols, test);
};
