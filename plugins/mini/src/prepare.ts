import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { UserError } from '@aira/core';
import {
  competitionDir,
  isMiniId,
  MINI_IDS,
  MINI_PLUGIN_DIR,
  miniDataDir,
  miniPython,
  type MiniId,
} from './paths.js';

/**
 * Preparation of a mini competition: runs its prepare.py (through tools/prepare.py, Debian's
 * Python) into a scratch folder, records a marker with the recipe hash, the Debian source files'
 * sizes and times and every output file's SHA-256, and renames the folder into place, so readers
 * never see half a preparation. A second call finds the marker current and does nothing.
 */

export const MARKER = '.aira-mini-prepared.json';
const MARKER_VERSION = 1;

export interface Marker {
  version: number;
  id: string;
  /** SHA-256 over the scripts and description that produce the data. */
  recipe: string;
  sources: Array<{ path: string; size: number; mtimeMs: number }>;
  /** SHA-256 of every prepared file, keyed by its path below prepared/ ("public/train.csv"). */
  files: Record<string, string>;
}

export interface PrepareOptions {
  /** Data folder; the competition goes to <dataDir>/<id>/prepared. Default: miniDataDir(). */
  dataDir?: string;
  /** Exact prepared folder, overriding dataDir (what the competitions plugin API hands over). */
  prepared?: string;
  python?: string;
  /** Prepare again even when the marker is current. */
  force?: boolean;
}

export interface PrepareResult {
  id: MiniId;
  prepared: string;
  public: string;
  private: string;
  /** True when a current prepared folder (ours from before, or a concurrent preparer's) was used as is. */
  skipped: boolean;
  marker: Marker;
}

export function preparedDir(id: MiniId, dataDir = miniDataDir()): string {
  return join(dataDir, id, 'prepared');
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The files whose bytes decide the prepared data, besides the Debian sources. */
function recipeFiles(id: MiniId): string[] {
  return [
    join(MINI_PLUGIN_DIR, 'tools', 'prepare.py'),
    join(MINI_PLUGIN_DIR, 'python', 'mini_common.py'),
    join(competitionDir(id), 'prepare.py'),
    join(competitionDir(id), 'description.md'),
  ];
}

export function recipeHash(id: MiniId): string {
  const h = createHash('sha256');
  for (const f of recipeFiles(id))
    h.update(relative(MINI_PLUGIN_DIR, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

export function readMarker(prepared: string): Marker | undefined {
  try {
    const m = JSON.parse(readFileSync(join(prepared, MARKER), 'utf8')) as Marker;
    return m.version === MARKER_VERSION ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Why a prepared folder is not current, or undefined when it is (cheap: stats, no hashing). */
export function staleReason(id: MiniId, prepared: string): string | undefined {
  const m = readMarker(prepared);
  if (!m)
    return existsSync(prepared) ? `no valid ${MARKER} in ${prepared}` : `not prepared yet (${prepared})`;
  if (m.id !== id) return `${prepared} holds ${m.id}, not ${id}`;
  if (m.recipe !== recipeHash(id)) return 'the prepare scripts changed';
  for (const s of m.sources) {
    if (!existsSync(s.path)) return `source ${s.path} is gone`;
    const st = statSync(s.path);
    if (st.size !== s.size || st.mtimeMs !== s.mtimeMs) return `source ${s.path} changed`;
  }
  for (const f of Object.keys(m.files)) if (!existsSync(join(prepared, f))) return `${f} is missing`;
  return undefined;
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else if (e.name !== MARKER) out.push(relative(base, p).split('\\').join('/'));
  }
  return out.sort();
}

/** SHA-256 of every file below a prepared folder (without the marker). */
export async function hashPrepared(prepared: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const f of listFiles(prepared)) files[f] = sha256(await readFile(join(prepared, f)));
  return files;
}

/** Re-hashes a prepared folder and lists files that differ from its marker. */
export async function verifyPrepared(prepared: string): Promise<string[]> {
  const m = readMarker(prepared);
  if (!m) return [`no valid ${MARKER}`];
  const now = await hashPrepared(prepared);
  const names = new Set([...Object.keys(m.files), ...Object.keys(now)]);
  return [...names].filter((f) => m.files[f] !== now[f]).sort();
}

function runPython(python: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) =>
      reject(new UserError(`cannot run ${python}: ${e.message} (set AIRA_PYTHON to a Python with numpy)`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolvePromise(out);
      else {
        const lines = err.trim().split('\n');
        reject(
          new UserError(
            `preparing with ${args[0]} failed (exit ${code}): ${lines[lines.length - 1] ?? 'no message'}`,
          ),
        );
      }
    });
  });
}

/** Prepares one mini competition unless its marker says the folder is current. */
export async function prepareMini(id: string, opts: PrepareOptions = {}): Promise<PrepareResult> {
  if (!isMiniId(id)) throw new UserError(`unknown mini competition "${id}" (known: ${MINI_IDS.join(', ')})`);
  const prepared = opts.prepared ?? preparedDir(id, opts.dataDir ?? miniDataDir());
  const result = (skipped: boolean, marker: Marker): PrepareResult => ({
    id,
    prepared,
    public: join(prepared, 'public'),
    private: join(prepared, 'private'),
    skipped,
    marker,
  });
  if (!opts.force && staleReason(id, prepared) === undefined) return result(true, readMarker(prepared)!);

  const parent = dirname(prepared);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.prepared.${process.pid}.${Date.now()}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const out = await runPython(opts.python ?? miniPython(), [
      join(MINI_PLUGIN_DIR, 'tools', 'prepare.py'),
      competitionDir(id),
      tmp,
    ]);
    const report = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { sources?: string[] };
    const marker: Marker = {
      version: MARKER_VERSION,
      id,
      recipe: recipeHash(id),
      sources: (report.sources ?? []).map((p) => {
        const st = statSync(p);
        return { path: p, size: st.size, mtimeMs: st.mtimeMs };
      }),
      files: await hashPrepared(tmp),
    };
    writeFileSync(join(tmp, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    // A concurrent preparer that finished first left a current folder, possibly being read: keep it.
    if (!opts.force && staleReason(id, prepared) === undefined) return result(true, readMarker(prepared)!);
    // Otherwise move the stale folder away, then ours in (a rename onto a non-empty folder fails).
    if (existsSync(prepared)) {
      const old = `${tmp}.old`;
      try {
        renameSync(prepared, old);
        rmSync(old, { recursive: true, force: true });
      } catch {
        /* someone else moved it */
      }
    }
    try {
      renameSync(tmp, prepared);
    } catch (err) {
      if (staleReason(id, prepared) !== undefined) throw err;
      return result(true, readMarker(prepared)!);
    }
    return result(false, marker);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
