import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv/reader.js';
import { IdIndex } from './idindex.js';

describe('IdIndex', () => {
  it('matches text by bytes, numbers numerically, never text with numbers, and chains repeats in row order', () => {
    const ans = parseCsv('t,n\na,1\n"b""x",2\na,3\nc,1\n,4\n');
    const t = IdIndex.of(ans.get('t')!);
    // Distinct text ids: a, b"x, c (the empty cell is missing and never matches).
    expect(t.distinct).toBe(3);
    const q = parseCsv('t,n,s\nc,1.0,1\n"b""x",3,x\na,7,a\nzz,,\n');
    expect(t.find(q.get('t')!, 0)).toBe(3);
    expect(t.find(q.get('t')!, 1)).toBe(1); // escaped quotes decoded on both sides
    expect(t.find(q.get('t')!, 2)).toBe(0);
    expect(t.next[0]).toBe(2);
    expect(t.next[2]).toBe(-1);
    expect(t.find(q.get('t')!, 3)).toBe(-1);
    const n = IdIndex.of(ans.get('n')!);
    expect(n.find(q.get('n')!, 0)).toBe(0); // 1.0 == 1, first of the two rows holding 1
    expect(n.next[0]).toBe(3);
    expect(n.find(q.get('n')!, 3)).toBe(-1); // NaN never matches
    expect(n.find(q.get('s')!, 0)).toBe(-1); // the text "1" is not the number 1
  });

  it('handles 200,000 distinct ids without long probe chains', () => {
    const lines = ['id'];
    for (let i = 0; i < 200_000; i++) lines.push(`id${i.toString(36)}`);
    const t = parseCsv(lines.join('\n'));
    const idx = IdIndex.of(t.get('id')!);
    expect(idx.distinct).toBe(200_000);
    for (let i = 0; i < 200_000; i += 997) expect(idx.find(t.get('id')!, i)).toBe(i);
  });
});

describe('IdIndex, packed keys', () => {
  it('packs text ids after their shared prefix and rejects ids of another prefix or length', () => {
    const ans = parseCsv('id\nimg_0001.jpg\nimg_0002.jpg\nimg_0010.jpg\nimg_0002.jpg\n');
    const idx = IdIndex.of(ans.get('id')!);
    expect(idx.distinct).toBe(3);
    const q = parseCsv(
      'id\nimg_0010.jpg\nimg_0002.jpg\nimg_0001.jp\nimg_0001.jpgx\nIMG_0001.jpg\nimg_0001.jpg\nimg_001.jpg\n\n"img_0001.jpg"\n',
    );
    expect(Array.from(idx.lookupAll(q.get('id')!))).toEqual([2, 1, -1, -1, -1, 0, -1, 0]);
    expect(idx.next[1]).toBe(3);
  });

  it('indexes long ids by their bytes and gives the same answers', () => {
    const long = (i: number) =>
      `a-very-long-identifier-that-differs-only-at-the-end-${i}-and-then-more-text-${i % 3}`;
    const ans = parseCsv(['id', ...Array.from({ length: 50 }, (_, i) => long(i))].join('\n'));
    const idx = IdIndex.of(ans.get('id')!);
    const q = parseCsv(['id', long(7), long(49), 'zz', long(0)].join('\n'));
    expect(Array.from(idx.lookupAll(q.get('id')!))).toEqual([7, 49, -1, 0]);
  });

  it('matches numbers by value across int and float columns, -0 as 0, and never a NaN', () => {
    const ans = parseCsv('n\n0\n2\n3\n');
    const idx = IdIndex.of(ans.get('n')!);
    const q = parseCsv('n\n-0.0\n3.0\n2\nnan\n2.5\n');
    expect(Array.from(idx.lookupAll(q.get('n')!))).toEqual([0, 2, 1, -1, -1]);
  });
});
