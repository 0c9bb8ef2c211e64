import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv/reader.js';
import { byteSortOrder } from './bytesort.js';
import { rng } from './test-support/fixtures.js';

/** Python's order: compare code point by code point; a prefix sorts first. */
function pyCompare(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!),
    y = [...b].map((c) => c.codePointAt(0)!);
  for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] !== y[k]) return x[k]! - y[k]!;
  return x.length - y.length;
}

describe('byteSortOrder', () => {
  it('sorts like Python strings (code points), stable, with missing values last', () => {
    const r = rng(9);
    const alphabet = ['a', 'b', 'z', 'é', '中', '😀', '\uffff', 'A', '0', ' '];
    for (const longKeys of [false, true]) {
      const values = Array.from({ length: 300 }, () => {
        if (r() < 0.05) return '';
        const len = longKeys ? 60 + Math.floor(r() * 40) : Math.floor(r() * 6) + 1;
        return (
          'id_' + Array.from({ length: len }, () => alphabet[Math.floor(r() * alphabet.length)]).join('')
        );
      });
      const t = parseCsv(['v', ...values.map((v) => `"${v}"`)].join('\n') + '\n');
      const order = Array.from(byteSortOrder(t.get('v')!));
      const rows = values.map((v, i) => ({ v, i }));
      const present = rows
        .filter((x) => x.v !== '')
        .sort((a, b) => pyCompare(a.v, b.v) || a.i - b.i)
        .map((x) => x.i);
      const missing = rows.filter((x) => x.v === '').map((x) => x.i);
      expect(order).toEqual([...present, ...missing]);
    }
  });

  it('sorts short keys (packed) of mixed lengths, NUL bytes and shared prefixes like Python', () => {
    const r = rng(21);
    const alphabet = ['a', 'b', '\u0000', '\u0001', 'é', '😀', '0', '9'];
    for (const maxLen of [1, 3, 8, 13]) {
      const values = Array.from(
        { length: 2000 },
        () =>
          'img_' +
          Array.from(
            { length: Math.floor(r() * (maxLen + 1)) },
            () => alphabet[Math.floor(r() * alphabet.length)],
          ).join(''),
      );
      const t = parseCsv(['v', ...values.map((v) => `"${v}"`)].join('\n') + '\n');
      const order = Array.from(byteSortOrder(t.get('v')!));
      const want = values
        .map((v, i) => ({ v, i }))
        .sort((a, b) => pyCompare(a.v, b.v) || a.i - b.i)
        .map((x) => x.i);
      expect(order).toEqual(want);
    }
  });
});
