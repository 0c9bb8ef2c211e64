import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv } from './reader.js';
import { pyFloatRepr } from './pystr.js';
import { rng } from '../test-support/fixtures.js';

describe('CSV reader (pandas read_csv defaults)', () => {
  it('parses quoting, doubled quotes, embedded newlines, CRLF, a BOM and blank lines', () => {
    const t = parseCsv(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('id,text\r\n1,"a, b"\r\n\r\n2,"say ""hi"""\n3,"two\nlines"\n'),
      ]),
    );
    expect(t.columns).toEqual(['id', 'text']);
    expect(t.rowCount).toBe(3);
    expect(t.get('text')!.strings()).toEqual(['a, b', 'say "hi"', 'two\nlines']);
  });

  it('reads an empty file as a table with no columns, and a header-only file with no rows', () => {
    expect(parseCsv('').width).toBe(0);
    const h = parseCsv('a,b\n');
    expect(h.columns).toEqual(['a', 'b']);
    expect(h.rowCount).toBe(0);
  });

  it('pads short rows with NaN and refuses rows longer than the header, naming the line', () => {
    const t = parseCsv('a,b,c\n1,2\n');
    expect(t.get('c')!.isNA(0)).toBe(true);
    expect(() => parseCsv('a,b\n1,2\n3,4,5\n', 'sub.csv')).toThrow(
      /sub\.csv: line 3 has 3 fields but the header has 2/,
    );
    expect(() => parseCsv('a\n"open\n', 'x.csv')).toThrow(/never closed/);
  });

  it('infers int, float, bool and object columns like pandas', () => {
    const t = parseCsv(
      'i,f,nan_int,b,bna,o,allna\n1,1.5,1,True,True,x,\n-2,1e3,,false,,3,\n007,inf,3,FALSE,False,y,NA\n',
    );
    expect(t.get('i')!.kind).toBe('int');
    expect(Array.from(t.get('i')!.numbers())).toEqual([1, -2, 7]);
    expect(t.get('f')!.kind).toBe('float');
    expect(Array.from(t.get('f')!.numbers())).toEqual([1.5, 1000, Infinity]);
    // An int column with a missing value becomes float64 in pandas.
    expect(t.get('nan_int')!.kind).toBe('float');
    expect(t.get('b')!.kind).toBe('bool');
    // Booleans with a missing value stay object.
    expect(t.get('bna')!.kind).toBe('object');
    expect(t.get('o')!.kind).toBe('object');
    expect(t.get('allna')!.kind).toBe('float');
  });

  it('treats pandas NA spellings as missing (quoted or not)', () => {
    const t = parseCsv('v\nNA\nnull\n""\nN/A\nNone\n#N/A\nnan\nok\n');
    expect(Array.from({ length: 8 }, (_, i) => t.get('v')!.isNA(i))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('gives astype(str) the Python spelling of each value', () => {
    const t = parseCsv('i,f,b,o\n007,2,True,x\n-0,1e-5,False,\n');
    // int column: leading zeros and the sign of zero normalised; f is float because of 1e-5.
    expect([t.get('i')!.pyStr(0), t.get('i')!.pyStr(1)]).toEqual(['7', '0']);
    expect([t.get('f')!.pyStr(0), t.get('f')!.pyStr(1)]).toEqual(['2.0', '1e-05']);
    expect([t.get('b')!.pyStr(0), t.get('b')!.pyStr(1)]).toEqual(['True', 'False']);
    expect([t.get('o')!.pyStr(0), t.get('o')!.pyStr(1)]).toEqual(['x', 'nan']);
  });

  it('parses decimals exactly (shortest round trip) on both the fast and slow paths', () => {
    const texts = [
      '0.1',
      '0.30000000000000004',
      '123456789012345678',
      '1.7976931348623157e308',
      '5e-324',
      '-0.000123',
      '.5',
      '5.',
      '+3.25',
      ' 4.5 ',
    ];
    const t = parseCsv(`x\n${texts.map((s) => `"${s}"`).join('\n')}\n`);
    expect(Array.from(t.get('x')!.numbers())).toEqual(texts.map((s) => Number(s)));
  });

  it('grows its columns when the rows outnumber what the first 64 KiB foretold', () => {
    // Long rows first (few per 64 KiB), then many short ones: the estimate falls short.
    const long = Array.from({ length: 40 }, (_, i) => `${i},"${'x'.repeat(4000)}",${i / 2}`);
    const short = Array.from({ length: 30_000 }, (_, i) => `${40 + i},y${i % 3 ? '' : ',7'}`);
    const t = parseCsv(['id,text,v', ...long, ...short].join('\n') + '\n');
    expect(t.rowCount).toBe(30_040);
    expect(t.get('id')!.numbers()[30_039]).toBe(30_039);
    expect(t.get('text')!.text(39).length).toBe(4000);
    expect([t.get('v')!.isNA(41), t.get('v')!.numbers()[40]]).toEqual([true, 7]);
  });

  it('reads every field the way its slow path (decoded text) reads it', () => {
    // The fast paths (plain numbers, text starting with a letter) against the slow one: a field
    // written as "x"rest is decoded first and read from its text.
    const r = rng(17);
    const alphabet = ['N', 'n', 'a', 'A', 'I', 'i', 'f', 'T', 'r', 'u', 'e', 'F', 'l', 's', 'y', '_'];
    const tail = [...alphabet, '0', '1', '9', '.', '-', '+', ' ', 'E', '/', '#', 'o', 't', 'L'];
    const words = ['inf', 'Infinity', 'nan', 'NaN', 'NA', 'null', 'None', 'True', 'false', 'n/a', 'identity'];
    for (let k = 0; k < 3000; k++) {
      let v =
        r() < 0.4
          ? words[Math.floor(r() * words.length)]!
          : [...Array(1 + Math.floor(r() * 10))].map(() => tail[Math.floor(r() * tail.length)]).join('');
      if (r() < 0.2) v += ' ';
      if (r() < 0.1) v = '-' + v;
      if (v.length < 2) v += '0'; // "x"rest is only decoded slowly when rest is not empty
      const t = parseCsv(`a,b\n${v},"${v[0]}"${v.slice(1)}\n`);
      const [a, b] = [t.get('a')!, t.get('b')!];
      expect([a.kind, a.isNA(0), a.numbers()[0]], JSON.stringify(v)).toEqual([
        b.kind,
        b.isNA(0),
        b.numbers()[0],
      ]);
    }
  });

  it('mangles duplicate and empty header names as pandas does', () => {
    expect(parseCsv('a,a,,a\n1,2,3,4\n').columns).toEqual(['a', 'a.1', 'Unnamed: 2', 'a.2']);
  });

  it('reads a file once and reports a missing path in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aira-csv-'));
    writeFileSync(join(dir, 's.csv'), 'id,p\n1,0.5\n');
    expect(readCsv(join(dir, 's.csv')).rowCount).toBe(1);
    expect(() => readCsv(join(dir, 'nope.csv'))).toThrow(/nope\.csv: no such file/);
  });
});

describe('pyFloatRepr (Python repr of a float)', () => {
  it('switches to exponent form outside 1e-4 … 1e16 and keeps ".0" on integral values', () => {
    expect([1e16, 1e15, 0.0001, 0.00001, 3, -2.5e-7, 0.1 + 0.2].map(pyFloatRepr)).toEqual([
      '1e+16',
      '1000000000000000.0',
      '0.0001',
      '1e-05',
      '3.0',
      '-2.5e-07',
      '0.30000000000000004',
    ]);
  });
});
