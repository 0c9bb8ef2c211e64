import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { isSynthetic, synthCompetition, synthIds, synthOptionsOf } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'aira-synth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file under a folder with its SHA-256, by relative path. */
function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('synthetic MLE-bench data', () => {
  it('has a writer for each of the 41 competitions outside the custom-split 13', () => {
    expect(synthIds().length).toBeGreaterThanOrEqual(41);
  });

  it.each(synthIds())(
    '%s: writes public/ and private/, byte for byte the same for a seed, different for another',
    async (id) => {
      const a = await synthCompetition(id, join(root, 'a'), { seed: 4, size: 12 });
      const b = await synthCompetition(id, join(root, 'b'), { seed: 4, size: 12 });
      const c = await synthCompetition(id, join(root, 'c'), { seed: 5, size: 12 });
      expect(readdirSync(a).sort()).toEqual(['private', 'public']);
      expect(readdirSync(join(a, 'private')).length).toBeGreaterThan(0);
      expect(digest(b)).toEqual(digest(a));
      expect(digest(c)).not.toEqual(digest(a));
      for (const [rel] of Object.entries(digest(a)).filter(([f]) => f.endsWith('.zip')))
        expect(Object.keys(unzipSync(readFileSync(join(a, rel)))).length, rel).toBeGreaterThan(0);
    },
  );

  it('replaces its own data whole, and never writes over a prepared folder it did not write', async () => {
    const data = join(root, 'own');
    const first = await synthCompetition('spooky-author-identification', data, { size: 40 });
    writeFileSync(join(first, 'public', 'stale.txt'), 'left over');
    await synthCompetition('spooky-author-identification', data, { size: 20, seed: 2 });
    expect(existsSync(join(first, 'public', 'stale.txt'))).toBe(false);
    expect(isSynthetic('spooky-author-identification', data)).toBe(true);
    expect(synthOptionsOf('spooky-author-identification', data)).toEqual({ seed: 2, size: 20 });

    const real = join(root, 'real');
    mkdirSync(join(real, 'spooky-author-identification', 'prepared', 'public'), { recursive: true });
    writeFileSync(
      join(real, 'spooky-author-identification', 'prepared', 'public', 'train.csv'),
      'id,text,author\n',
    );
    await expect(synthCompetition('spooky-author-identification', real)).rejects.toThrow(
      /exists and was not written by aira's synthetic-data writer .*refusing to overwrite/,
    );
    expect(
      readFileSync(join(real, 'spooky-author-identification', 'prepared', 'public', 'train.csv'), 'utf8'),
    ).toBe('id,text,author\n');
  });

  it('names what is wrong with its input', async () => {
    await expect(synthCompetition('no-such-competition', root)).rejects.toThrow(
      /no synthetic-data writer for competition "no-such-competition"/,
    );
    await expect(synthCompetition('spooky-author-identification', root, { size: 3 })).rejects.toThrow(
      /size must be an integer of at least 10/,
    );
    await expect(synthCompetition('spooky-author-identification', root, { seed: -1 })).rejects.toThrow(
      /seed must be a non-negative integer/,
    );
  });
});
