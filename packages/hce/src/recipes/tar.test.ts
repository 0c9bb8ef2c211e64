import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFile } from '@aira/synth';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/fixtures.js';
import { tarEntries, TarGzWriter } from './tar.js';

const dir = tempDir('tar');

describe('tar archives as MLE-bench ships them', () => {
  it('reads what GNU tar writes (gnu and posix formats, long names) and writes what it reads', async () => {
    const files: Record<string, Buffer> = {
      'Sample00001.zip': Buffer.alloc(1500, 7),
      'Sample00002.zip': Buffer.alloc(3, 1),
      [`${'x'.repeat(120)}.txt`]: Buffer.from('hi\n'),
    };
    for (const [n, b] of Object.entries(files)) writeFile(join(dir, 'd', n), b);
    for (const format of ['gnu', 'posix']) {
      execFileSync('tar', [
        `--format=${format}`,
        '-czf',
        join(dir, `${format}.tar.gz`),
        '-C',
        join(dir, 'd'),
        '.',
      ]);
      const got: Record<string, Buffer> = {};
      for await (const e of tarEntries(join(dir, `${format}.tar.gz`)))
        got[e.name.replace(/^\.\//, '')] = e.data;
      expect(got).toEqual(files);
    }
    const w = new TarGzWriter(join(dir, 'out.tar.gz'));
    await w.add('dir/Sample00001.zip', files['Sample00001.zip']!);
    await w.close();
    expect(execFileSync('tar', ['-tzf', join(dir, 'out.tar.gz')]).toString()).toBe('dir/Sample00001.zip\n');
    execFileSync('tar', ['-xzf', join(dir, 'out.tar.gz'), '-C', dir]);
    expect(readFileSync(join(dir, 'dir/Sample00001.zip'))).toEqual(files['Sample00001.zip']);
  });

  it('a truncated archive is an error naming the file', async () => {
    const full = readFileSync(join(dir, 'gnu.tar.gz'));
    const cut = writeFile(join(dir, 'cut.tar.gz'), full.subarray(0, Math.floor(full.length / 2)));
    await expect(
      (async () => {
        for await (const _ of tarEntries(cut)) void _;
      })(),
    ).rejects.toThrow(/cut\.tar\.gz: (truncated tar archive|not a readable tar archive)/);
  });
});
