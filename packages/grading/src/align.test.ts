import { describe, expect, it } from 'vitest';
import { alignById } from './align.js';
import { InvalidSubmission } from './errors.js';
import { csv, rng } from './test-support/fixtures.js';

/**
 * The pairing alignById must give, written the slow way: answer rows in sorted id order (stable),
 * each paired with the submission row holding the same id, the k-th such submission row with the
 * k-th such answer row.
 */
function reference(sub: string[], ans: string[], cmp: (a: string, b: string) => number): number[][] {
  const ansRows = ans.map((_, i) => i).sort((a, b) => cmp(ans[a]!, ans[b]!) || a - b);
  const taken = new Map<string, number[]>();
  sub.forEach((id, i) => taken.set(id, [...(taken.get(id) ?? []), i]));
  return ansRows.map((r) => [r, taken.get(ans[r]!)!.shift()!]);
}

function shuffle<T>(xs: T[], r: () => number): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const pairs = (a: { ansRows: Uint32Array; subRows: Uint32Array }) =>
  Array.from(a.ansRows, (r, j) => [r, a.subRows[j]!]);

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('alignById in sorted order', () => {
  it('pairs shuffled text ids of mixed lengths, repeats included, as sorting both sides does', () => {
    const r = rng(5);
    for (const maxLen of [3, 9, 30]) {
      const ids = Array.from({ length: 400 }, () =>
        Array.from({ length: 1 + Math.floor(r() * maxLen) }, () => 'ab\u00e9z'[Math.floor(r() * 4)]).join(''),
      );
      const ans = [...ids, ...ids.slice(0, 20)]; // repeated ids pair up in row order
      const sub = shuffle(ans, r);
      const got = alignById(
        csv('id,v', ...sub.map((x) => `"${x}",1`)),
        csv('id,v', ...ans.map((x) => `"${x}",1`)),
        'id',
      );
      expect(pairs(got)).toEqual(reference(sub, ans, byBytes));
    }
  });

  it('pairs integer ids with float ids by value (1 == 1.0)', () => {
    const r = rng(8);
    const ans = Array.from({ length: 300 }, (_, i) => String(i * 7 - 500));
    const sub = shuffle(ans, r);
    const got = alignById(
      csv('id,v', ...sub.map((x) => `${x}.0,1`)),
      csv('id,v', ...ans.map((x) => `${x},1`)),
      'id',
    );
    expect(pairs(got)).toEqual(reference(sub, ans, (a, b) => Number(a) - Number(b)));
  });

  it('still names the id that differs, is missing or repeats', () => {
    const ans = ['id_3', 'id_1', 'id_2', 'id_4'];
    const fails = (sub: string[]) => () =>
      alignById(csv('id,v', ...sub.map((x) => `${x},1`)), csv('id,v', ...ans.map((x) => `${x},1`)), 'id');
    expect(fails(['id_4', 'id_1', 'id_9', 'id_3'])).toThrow(
      new InvalidSubmission('submission "id" "id_9" on row 3 is not among the answers\' ids'),
    );
    expect(fails(['id_4', 'id_1', 'id_1', 'id_3'])).toThrow(
      /"id_1" appears more than once \(again on row 3\)/,
    );
    expect(fails(['id_4', 'id_1', '', 'id_3'])).toThrow(/empty on row 3/);
  });
});
