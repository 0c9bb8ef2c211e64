import { createHash, randomBytes, type Hash } from 'node:crypto';
import {
  chmodSync,
  constants,
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { chmod, copyFile, link, open, rename, rm, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export const SHA256_RE = /^[0-9a-f]{64}$/;
export const EMPTY_SHA256 = createHash('sha256').digest('hex');

/**
 * Blobs are stamped with this mtime when stored. A blob whose mtime differs was written through
 * a hard link (possible only without a sandbox) and is no longer trusted.
 */
const SEAL_SECONDS = 1_000_000_000;

/** Blobs up to this size are received in memory and filed and placed with synchronous calls. */
export const SMALL_BLOB = 64 * 1024;

/** How a cached blob reaches a session: a hard link (read-only data) or a copy (writable folders). */
export type Materialize = 'link' | 'copy';

/**
 * Content-addressed store under the worker's workdir (`blobs/ab/abcdef...`), so the same bytes
 * are never sent twice: a client asks HasBlobs and sends only a header for what is here.
 */
export class BlobCache {
  private readonly tmpDir: string;
  /** Sub-folders this cache has made or found (see `subdir`). */
  private readonly subdirs = new Set<string>();

  constructor(readonly dir: string) {
    this.tmpDir = join(dir, 'tmp');
    mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
  }

  path(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** True when a sealed, intact blob of that hash (and size, when given) is stored. */
  has(sha256: string, size?: number): boolean {
    if (!SHA256_RE.test(sha256)) return false;
    try {
      const st = statSync(this.path(sha256));
      if (
        !st.isFile() ||
        Math.floor(st.mtimeMs / 1000) !== SEAL_SECONDS ||
        (size !== undefined && st.size !== size)
      )
        return false;
      return true;
    } catch {
      return false;
    }
  }

  present(hashes: readonly string[]): string[] {
    return [...new Set(hashes)].filter((h) => this.has(h));
  }

  /** A writer that hashes while it stores; `commit` verifies and files the blob under its hash. */
  async writer(): Promise<BlobWriter> {
    return new BlobWriter(this);
  }

  /** @internal A new temporary file for a blob being received. */
  async openTemp(): Promise<{ fh: FileHandle; tmp: string }> {
    const tmp = this.tempName();
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    return { fh, tmp };
  }

  private tempName(): string {
    return join(this.tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
  }

  /** @internal */
  async file(tmp: string, sha256: string): Promise<string> {
    const dest = this.path(sha256);
    mkdirSync(join(this.dir, sha256.slice(0, 2)), { recursive: true });
    await chmod(tmp, 0o444);
    await utimes(tmp, SEAL_SECONDS, SEAL_SECONDS);
    // rename over an existing blob of the same hash is harmless (same content).
    await rename(tmp, dest);
    return dest;
  }

  /** @internal A small blob held in memory, filed with a few synchronous calls (no thread-pool round trips). */
  fileSmall(data: Buffer, sha256: string): string {
    const dest = this.path(sha256);
    this.subdir(sha256);
    const tmp = this.tempName();
    try {
      writeFileSync(tmp, data, { flag: 'wx', mode: 0o600 });
      chmodSync(tmp, 0o444);
      utimesSync(tmp, SEAL_SECONDS, SEAL_SECONDS);
      try {
        renameSync(tmp, dest);
      } catch (err) {
        // The sub-folder went away under us (removed by hand): make it again, once.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        this.subdirs.delete(sha256.slice(0, 2));
        this.subdir(sha256);
        renameSync(tmp, dest);
      }
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    return dest;
  }

  /**
   * Makes the blob's sub-folder (its hash's first two digits) unless this cache made it already:
   * a recursive mkdir of an existing folder still costs system calls on every file received
   * (docs/dispatch.md). Pruning removes blobs, never sub-folders.
   */
  private subdir(sha256: string): void {
    const sub = sha256.slice(0, 2);
    if (this.subdirs.has(sub)) return;
    mkdirSync(join(this.dir, sub), { recursive: true });
    this.subdirs.add(sub);
  }

  /**
   * Puts a blob at `target` (replacing what is there) by hard link or copy; a link across file
   * systems falls back to a copy. The file appears whole or not at all (temp name + rename).
   * A blob of at most SMALL_BLOB bytes (`size`) is placed with synchronous calls: each is
   * microseconds, where a thread-pool round trip costs a wake-up on a loaded machine.
   */
  async materialize(
    sha256: string,
    target: string,
    how: Materialize,
    mode = 0o644,
    size = Infinity,
  ): Promise<void> {
    if (size <= SMALL_BLOB) return this.materializeSync(sha256, target, how, mode);
    const src = this.path(sha256);
    const tmp = `${target}.aira-${randomBytes(6).toString('hex')}`;
    try {
      let linked = false;
      if (how === 'link' && (mode & 0o111) === 0) {
        try {
          await link(src, tmp);
          linked = true;
        } catch (err) {
          if (
            (err as NodeJS.ErrnoException).code !== 'EXDEV' &&
            (err as NodeJS.ErrnoException).code !== 'EMLINK'
          )
            throw err;
        }
      }
      if (!linked) {
        await copyFile(src, tmp, constants.COPYFILE_FICLONE);
        await chmod(tmp, mode & 0o777);
      }
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  private materializeSync(sha256: string, target: string, how: Materialize, mode: number): void {
    const src = this.path(sha256);
    const tmp = `${target}.aira-${randomBytes(6).toString('hex')}`;
    try {
      let linked = false;
      if (how === 'link' && (mode & 0o111) === 0) {
        try {
          linkSync(src, tmp);
          linked = true;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== 'EXDEV' && code !== 'EMLINK') throw err;
        }
      }
      if (!linked) {
        copyFileSync(src, tmp, constants.COPYFILE_FICLONE);
        chmodSync(tmp, mode & 0o777);
      }
      renameSync(tmp, target);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  /** Removes blobs, least recently used first (a link or copy updates ctime), until under `maxBytes`. */
  prune(maxBytes: number): { removed: number; bytes: number } {
    const entries: { path: string; size: number; ctime: number }[] = [];
    for (const sub of safeReaddir(this.dir)) {
      if (sub === 'tmp' || sub.length !== 2) continue;
      for (const name of safeReaddir(join(this.dir, sub))) {
        try {
          const st = statSync(join(this.dir, sub, name));
          entries.push({ path: join(this.dir, sub, name), size: st.size, ctime: st.ctimeMs });
        } catch {
          /* raced with another prune */
        }
      }
    }
    let total = entries.reduce((s, e) => s + e.size, 0);
    entries.sort((a, b) => a.ctime - b.ctime);
    let removed = 0;
    for (const e of entries) {
      if (total <= maxBytes) break;
      try {
        unlinkSync(e.path);
        total -= e.size;
        removed++;
      } catch {
        /* gone already */
      }
    }
    return { removed, bytes: total };
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Receives one blob: its first SMALL_BLOB bytes are held in memory (the small files a job puts
 * never touch a temporary file); past that, everything goes to a temporary file.
 */
export class BlobWriter {
  private readonly hash: Hash = createHash('sha256');
  private written = 0;
  private done = false;
  private held: Buffer[] = [];
  private file: { fh: FileHandle; tmp: string } | undefined;

  constructor(private readonly cache: BlobCache) {}

  get bytes(): number {
    return this.written;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    if (!this.file && this.written + chunk.length <= SMALL_BLOB) {
      this.held.push(Buffer.from(chunk)); // a copy: the sender may reuse its buffer
      this.written += chunk.length;
      return;
    }
    if (!this.file) {
      this.file = await this.cache.openTemp();
      for (const b of this.held.splice(0)) await writeAll(this.file.fh, b);
    }
    await writeAll(this.file.fh, chunk);
    this.written += chunk.length;
  }

  /** Verifies size and hash, then files the blob; a mismatch throws and nothing is kept. */
  async commit(expectedSha256: string, expectedSize: number): Promise<string> {
    this.done = true;
    await this.file?.fh.close();
    const actual = this.hash.digest('hex');
    if (this.written !== expectedSize || actual !== expectedSha256) {
      if (this.file) await rm(this.file.tmp, { force: true });
      throw new IntegrityError(
        this.written !== expectedSize
          ? `received ${this.written} bytes but the header said ${expectedSize}`
          : `content hashes to ${actual}, not ${expectedSha256}`,
      );
    }
    if (!this.file) this.cache.fileSmall(Buffer.concat(this.held), actual);
    else await this.cache.file(this.file.tmp, actual);
    return actual;
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (!this.file) return;
    await this.file.fh.close().catch(() => undefined);
    await rm(this.file.tmp, { force: true });
  }
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
}

/** Sent bytes that do not match their header. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
}

/** sha256 and size of a file, streamed. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const fh = await open(path, 'r');
  try {
    return await hashHandle(fh);
  } finally {
    await fh.close();
  }
}

export async function hashHandle(fh: FileHandle): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return { sha256: hash.digest('hex'), size: pos };
}
