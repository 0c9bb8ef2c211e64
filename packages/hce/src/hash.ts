import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

interface MemoEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

/**
 * SHA-256 of files, remembered by (path, size, mtime, inode) in the cache folder so that a
 * multi-GB labelled file is read once, not at every run. The key itself is a content hash: the
 * memo only saves reading files that have not changed.
 */
export class FileHasher {
  private memo: Record<string, MemoEntry> = {};
  private dirty = false;

  constructor(private readonly memoFile?: string) {
    if (memoFile && existsSync(memoFile)) {
      try {
        this.memo = JSON.parse(readFileSync(memoFile, 'utf8')) as Record<string, MemoEntry>;
      } catch {
        this.memo = {}; // a damaged memo is only a slower start
      }
    }
  }

  async sha256(path: string): Promise<string> {
    const st = statSync(path);
    const m = this.memo[path];
    if (m && m.size === st.size && m.mtimeMs === st.mtimeMs && m.ino === st.ino) return m.sha256;
    const h = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) h.update(chunk as Buffer);
    const sha256 = h.digest('hex');
    this.memo[path] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
    this.dirty = true;
    return sha256;
  }

  save(): void {
    if (!this.memoFile || !this.dirty) return;
    mkdirSync(dirname(this.memoFile), { recursive: true });
    const tmp = `${this.memoFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.memo));
    renameSync(tmp, this.memoFile);
    this.dirty = false;
  }
}

/** JSON with object keys sorted, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export const memoPath = (cacheDir: string) => join(cacheDir, 'file-hashes.json');
