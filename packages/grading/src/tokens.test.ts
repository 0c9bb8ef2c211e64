import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv/reader.js';
import { averagePrecisionAtK, averagePrecisionAtKIds, distinct } from './metrics/ranking.js';
import { splitTokens, TokenDict } from './tokens.js';

describe('splitTokens', () => {
  it('splits on single spaces as str.split(" ") does, reads a missing cell as "nan" and decodes escaped quotes', () => {
    const t = parseCsv('id,l\n1,a b\n2,"a  b"\n3,\n4,"x ""q"" a"\n5,nan b\n');
    const dict = new TokenDict();
    const r = splitTokens(t.get('l')!, dict, true)!;
    const rows = Array.from({ length: 5 }, (_, i) =>
      Array.from(r.ids.subarray(r.starts[i]!, r.starts[i + 1]!)),
    );
    // a=0 b=1 ''=2 nan=3 x=4 "q"=5
    expect(rows).toEqual([[0, 1], [0, 2, 1], [3], [4, 5, 0], [3, 1]]);
    expect(dict.size).toBe(6);
    const q = parseCsv('l\nb zz a\n');
    const p = splitTokens(q.get('l')!, dict, false, 2)!;
    expect(Array.from(p.ids)).toEqual([1, -1]); // unknown tokens are -1, the list cut at k = 2
    expect(splitTokens(parseCsv('n\n1\n2\n').get('n')!, dict, false)).toBeNull(); // numbers: str() is not the bytes
  });

  it('gives the same AP@k as the string version on random rankings with repeats', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const lab = () => `w_${rnd(12)}`;
    const truth = Array.from({ length: 300 }, () => Array.from({ length: 1 + rnd(3) }, lab).join(' '));
    const pred = Array.from({ length: 300 }, () => Array.from({ length: 1 + rnd(7) }, lab).join(' '));
    const ta = parseCsv(['l', ...truth].join('\n')),
      pa = parseCsv(['l', ...pred].join('\n'));
    const dict = new TokenDict();
    const tt = splitTokens(ta.get('l')!, dict, true)!;
    const pt = splitTokens(pa.get('l')!, dict, false, 5)!;
    for (let i = 0; i < 300; i++) {
      const want = averagePrecisionAtK(distinct(truth[i]!.split(' ')), pred[i]!.split(' '), 5);
      expect(
        averagePrecisionAtKIds(
          tt.ids,
          tt.starts[i]!,
          tt.starts[i + 1]!,
          pt.ids,
          pt.starts[i]!,
          pt.starts[i + 1]!,
          5,
        ),
      ).toBe(want);
    }
  });
});
