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
