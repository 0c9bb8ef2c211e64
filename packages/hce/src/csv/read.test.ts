import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '@aira/competitions';
import { fixtureRng, tempDir, writeFile } from '../test-support/fixtures.js';
import { csvBatches, readCsvRecords } from './read.js';
import { csvLine, CsvWriter } from './write.js';

const tmp = tempDir('csv');

describe('the streaming CSV reader', () => {
  it('reads what an independent RFC 4180 parser reads, across 1 MiB chunk boundaries, and keeps each record byte for byte', async () => {
    const rng = fixtureRng(2);
    const cell = () => {
      const k = rng.int(6);
      if (k === 0) return `"multi\nline ""quoted"", ${rng.hex(rng.int(40))}"`;
      if (k === 1) return `"comma, ${rng.hex(8)}"`;
      if (k === 2) return '';
      if (k === 3) return `"é ü 漢字 ${rng.hex(4)}"`;
      return rng.hex(1 + rng.int(30));
    };
    const lines = ['a,b,c,d'];
    for (let i = 0; i < 15_000; i++) lines.push([cell(), cell(), cell(), cell()].join(','));
    const text = `\ufeff${lines.join('\r\n')}\r\n\r\n`;
    const file = writeFile(join(tmp, 'big.csv'), text);
    expect(readFileSync(file).length).toBeGreaterThan(1 << 20);
    const want = parseCsv(text, file);
    const { header, rows } = await readCsvRecords(file);
    expect(header.cells).toEqual(want.columns);
    expect(rows.map((r) => r.cells)).toEqual(want.rows.map((w) => want.columns.map((c) => w[c])));
    // Records joined give back the file (BOM and the blank last line aside).
    expect(header.raw + rows.map((r) => r.raw).join('')).toBe(text.slice(1, -2));
    // cell(k) without splitting agrees with the full split.
    const some = rows.slice(0, 2000);
    expect(some.map((r) => [0, 1, 2, 3].map((k) => r.cell(k)))).toEqual(some.map((r) => r.cells));
    let batches = 0;
    for await (const _ of csvBatches(file)) batches++;
    expect(batches).toBeGreaterThan(1);
  });

  it('names the file and line of a short row and of an unterminated quote', async () => {
    const short = writeFile(join(tmp, 'short.csv'), 'a,b\n1,2\n3\n');
    await expect(readCsvRecords(short)).rejects.toThrow(/short\.csv:3: 1 fields, header has 2/);
    const open = writeFile(join(tmp, 'open.csv'), 'a,b\n1,"2\n3,4\n');
    await expect(readCsvRecords(open)).rejects.toThrow(/open\.csv:2: unterminated quoted field/);
  });

  it('writes cells the way Python quotes them and round-trips through the reader', async () => {
    expect(csvLine(['a', 'b,c', 'd"e', 'f\ng', ''])).toBe('a,"b,c","d""e","f\ng",\n');
    const file = join(tmp, 'w.csv');
    const w = new CsvWriter(file);
    const rows = Array.from({ length: 5000 }, (_, i) => [`r${i}`, i % 7 === 0 ? 'x, "y"\nz' : String(i)]);
    await w.row(['id', 'v']);
    for (const r of rows) await w.row(r);
    await w.close();
    expect((await readCsvRecords(file)).rows.map((r) => r.cells)).toEqual(rows);
  });
});
