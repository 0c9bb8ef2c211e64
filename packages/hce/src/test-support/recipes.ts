import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, unzipSync } from 'fflate';
import { expect } from 'vitest';
import type { Competition } from '@aira/competitions';
import { synthCompetition } from '@aira/synth';
import { readCsvRecords } from '../csv/read.js';
import { prepareHce, type HceSplit } from '../prepare.js';
import { competitions, tempDir, writeFile } from './fixtures.js';

/**
 * The shared checks of an HCE recipe on synthetic data in MLE-bench's prepared layout
 * (@aira/synth): the split is built by prepareHce exactly as a run builds it.
 */
export function recipeHarness(prefix: string) {
  const data = tempDir(`${prefix}-data`);
  const cache = tempDir(`${prefix}-cache`);
  const scratch = tempDir(`${prefix}-sub`);
  return {
    data,
    async split(id: string, size: number): Promise<{ c: Competition; s: HceSplit }> {
      await synthCompetition(id, data, { seed: 1, size });
      const c = (await competitions()).create(id, { dataDir: data });
      const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
      return { c, s };
    },
    /** Grades a submission's text against a part's answers. */
    async grade(c: Competition, answers: string, name: string, text: string) {
      const sub = writeFile(join(scratch, c.id, `${name}.csv`), text);
      return c.grade(sub, answers);
    },
  };
}

/** Rows of a CSV as objects keyed by header. */
export async function csvObjects(file: string): Promise<Array<Record<string, string>>> {
  const t = await readCsvRecords(file);
  return t.rows.map((r) => Object.fromEntries(t.header.cells.map((h, i) => [h, r.cells[i]!])));
}

/** Every file under a folder as text, archives (.zip, .gz, .tar.gz) opened, keyed by path (archive entries as `archive!entry`). */
export function publicTexts(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const dec = new TextDecoder('utf8', { fatal: false });
  const add = (name: string, bytes: Uint8Array) => {
    if (name.endsWith('.zip')) {
      for (const [e, b] of Object.entries(unzipSync(bytes))) add(`${name}!${e}`, b);
    } else if (name.endsWith('.tar.gz') || name.endsWith('.tgz')) {
      for (const [e, b] of untar(gunzipSync(bytes))) add(`${name}!${e}`, b);
    } else out.set(name, dec.decode(bytes));
  };
  const walk = (abs: string, rel: string) => {
    for (const e of readdirSync(abs)) {
      const a = join(abs, e);
      const r = rel ? `${rel}/${e}` : e;
      if (statSync(a).isDirectory()) walk(a, r);
      else add(r, readFileSync(a));
    }
  };
  walk(dir, '');
  return out;
}

/** Entries of an uncompressed ustar archive. */
export function untar(buf: Uint8Array): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  const dec = new TextDecoder();
  for (let off = 0; off + 512 <= buf.length;) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = dec.decode(h.subarray(0, 100)).replace(/\0.*$/s, '');
    const prefix = dec.decode(h.subarray(345, 500)).replace(/\0.*$/s, '');
    const size = parseInt(dec.decode(h.subarray(124, 136)).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156]!);
    off += 512;
    if (type === '0' || type === '\0')
      out.push([prefix ? `${prefix}/${name}` : name, buf.slice(off, off + size)]);
    off += Math.ceil(size / 512) * 512;
  }
  return out;
}

/** No secret string occurs in any public file (archives opened) but those `except` names; names the file when one does. */
export function expectNoSecrets(
  publicDir: string,
  secrets: Iterable<string>,
  except: (name: string) => boolean = () => false,
): void {
  const texts = publicTexts(publicDir);
  const list = [...secrets];
  expect(list.length).toBeGreaterThan(0);
  for (const [name, text] of texts) {
    if (except(name)) continue;
    for (const s of list)
      if (text.includes(s)) expect.fail(`hidden value ${JSON.stringify(s)} is in public file ${name}`);
  }
}

/** Hidden parts each hold round(10 %) of the units and no unit is in two parts. */
export function expectPartition(
  units: Record<'train' | 'search' | 'validation', readonly string[]>,
  tolerance = 1,
): void {
  const sets = Object.fromEntries(Object.entries(units).map(([k, v]) => [k, new Set(v)])) as Record<
    string,
    Set<string>
  >;
  for (const [a, b] of [
    ['train', 'search'],
    ['train', 'validation'],
    ['search', 'validation'],
  ] as const) {
    const both = [...sets[a]!].filter((u) => sets[b]!.has(u));
    expect(both, `units in both ${a} and ${b}`).toEqual([]);
  }
  const total = sets['train']!.size + sets['search']!.size + sets['validation']!.size;
  for (const p of ['search', 'validation'])
    expect(Math.abs(sets[p]!.size - total * 0.1)).toBeLessThanOrEqual(tolerance);
}
