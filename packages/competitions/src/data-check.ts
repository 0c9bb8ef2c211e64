import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readChecksums, type Checksums } from './mlebench-registry.js';
import { MLEBENCH_DEFAULT_DATA } from './paths.js';
import type { Competition } from './plugin-api.js';

/**
 * Is a competition's prepared data there and is it what MLE-bench prepares? The rule is
 * `mlebench prepare`'s own (docs/mlebench-grading.md §Prepare checks steps 7-8): both folders exist and are
 * non-empty, and the MD5 of every *.csv, *.json, *.jsonl, *.parquet, *.bson file sitting directly
 * in public/ and private/ equals checksums.yaml, with no file missing and none extra.
 */

export type DataState = 'ok' | 'missing' | 'incomplete' | 'mismatch' | 'unverified';

export interface FileProblem {
  file: string;
  problem: 'missing' | 'extra' | 'checksum';
  expected?: string;
  actual?: string;
}

export interface DataStatus {
  id: string;
  state: DataState;
  prepared: string;
  /** Files compared against checksums (0 when unverified or missing). */
  checked: number;
  files: FileProblem[];
  /** What to run to get the data right, when it is not. */
  fix?: string;
  detail: string;
}

const CHECKED = /\.(csv|json|jsonl|parquet|bson)$/;

export interface DataCheckOptions {
  /** Skip hashing: presence of every listed file only. */
  quick?: boolean;
}

export async function checkData(c: Competition, opts: DataCheckOptions = {}): Promise<DataStatus> {
  const base = { id: c.id, prepared: c.paths.prepared, checked: 0, files: [] as FileProblem[] };
  const sides = [c.paths.public, c.paths.private];
  const empty = (d: string) => !existsSync(d) || !statSync(d).isDirectory() || readdirSync(d).length === 0;
  if (sides.every(empty))
    return {
      ...base,
      state: 'missing',
      fix: prepareCommand(c, false),
      detail: `no prepared data at ${c.paths.prepared}`,
    };

  const sums =
    c.paths.checksums && existsSync(c.paths.checksums) ? readChecksums(c.paths.checksums) : undefined;
  if (!sums) {
    const gone = [c.paths.answers, c.paths.sampleSubmission].filter((f) => !existsSync(f));
    if (gone.length || sides.some(empty)) {
      return {
        ...base,
        state: 'incomplete',
        fix: prepareCommand(c, true),
        files: gone.map((f) => ({ file: f, problem: 'missing' as const })),
        detail: `missing ${gone.join(', ') || 'public/ or private/'}`,
      };
    }
    return { ...base, state: 'unverified', detail: 'present; no checksums to compare with' };
  }

  const cache = new HashCache(join(dirname(c.paths.prepared), '.aira-md5.json'));
  const files: FileProblem[] = [];
  let checked = 0;
  for (const [side, expected] of [
    ['public', sums.public],
    ['private', sums.private],
  ] as const) {
    const dir = side === 'public' ? c.paths.public : c.paths.private;
    const onDisk = existsSync(dir)
      ? readdirSync(dir).filter((f) => CHECKED.test(f) && statSync(join(dir, f)).isFile())
      : [];
    for (const name of Object.keys(expected)) {
      const path = join(dir, name);
      if (!existsSync(path)) {
        files.push({ file: `${side}/${name}`, problem: 'missing' });
        continue;
      }
      if (opts.quick) continue;
      const actual = await cache.md5(path);
      checked++;
      if (actual !== expected[name])
        files.push({ file: `${side}/${name}`, problem: 'checksum', expected: expected[name], actual });
    }
    for (const name of onDisk)
      if (!(name in expected)) files.push({ file: `${side}/${name}`, problem: 'extra' });
  }
  cache.save();
  const missing = files.filter((f) => f.problem === 'missing');
  const bad = files.filter((f) => f.problem !== 'missing');
  if (!files.length) {
    return {
      ...base,
      checked,
      state: 'ok',
      files,
      detail: opts.quick
        ? 'all listed files present (not hashed)'
        : `${checked} files match MLE-bench's checksums`,
    };
  }
  const describe = (f: FileProblem) =>
    f.problem === 'checksum' ? `${f.file} md5 ${f.actual} ≠ ${f.expected}` : `${f.file} ${f.problem}`;
  return {
    ...base,
    checked,
    files,
    state: bad.length ? 'mismatch' : 'incomplete',
    fix: prepareCommand(c, true),
    detail: [...bad, ...missing].map(describe).join('; '),
  };
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The exact command that prepares the data. `mlebench prepare` skips a competition whose folder is
 * already prepared (§1.3 step 5), so a broken folder has to be removed first.
 */
export function prepareCommand(c: Competition, removeFirst: boolean): string | undefined {
  const p = c.manifest.prepare;
  if (!p) return undefined;
  const data = c.paths.dataDir;
  let cmd = p.command
    .replaceAll('{id}', c.id)
    .replaceAll('{data}', shellQuote(data))
    .replaceAll('{dir}', shellQuote(c.paths.dir));
  if (p.dataFlag && data !== MLEBENCH_DEFAULT_DATA) cmd += ` ${p.dataFlag} ${shellQuote(data)}`;
  return removeFirst ? `rm -rf ${shellQuote(c.paths.prepared)} && ${cmd}` : cmd;
}

/** MD5s keyed by path, size and mtime, so a second check of tens of GB is instant. */
class HashCache {
  private entries: Record<string, { size: number; mtimeMs: number; md5: string }> = {};
  private dirty = false;
  constructor(private readonly file: string) {
    try {
      this.entries = JSON.parse(readFileSync(file, 'utf8')) as HashCache['entries'];
    } catch {
      this.entries = {};
    }
  }
  async md5(path: string): Promise<string> {
    const st = statSync(path);
    const hit = this.entries[path];
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.md5;
    const md5 = await new Promise<string>((res, rej) => {
      const h = createHash('md5');
      createReadStream(path)
        .on('data', (d) => h.update(d))
        .on('error', rej)
        .on('end', () => res(h.digest('hex')));
    });
    this.entries[path] = { size: st.size, mtimeMs: st.mtimeMs, md5 };
    this.dirty = true;
    return md5;
  }
  save(): void {
    if (!this.dirty) return;
    try {
      writeFileSync(this.file, JSON.stringify(this.entries));
    } catch {
      // A read-only data folder only costs re-hashing next time.
    }
  }
}

export type { Checksums };
