import { createHash, randomBytes, type Hash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { mkdir, open, opendir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import type { GetFilesResponse, HasBlobsResponse, PutFilesRequest, PutFilesResponse, WorkerConnection } from '@aira/protocol';
import { hashFile } from './blobs.js';
import { pathSegments } from './paths.js';

/** One local file to send and where it goes in the session ("data/train.csv"). */
export interface UploadEntry {
  localPath: string;
  remotePath: string;
}

export interface UploadResult extends PutFilesResponse {
  /** Bytes that did not travel because the worker had them. */
  bytesSkipped: number;
}

export interface UploadOptions {
  /** Chunk size of PutFiles messages. */
  chunkBytes?: number;
  /** Files hashed at once. */
  hashConcurrency?: number;
}

/** Every regular file under `dir` (symlinks to files are followed), as paths relative to it, sorted. */
export async function listFolder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for await (const e of await opendir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join('/'));
      else if (e.isSymbolicLink()) {
        const st = await stat(p).catch(() => null);
        if (st?.isFile()) out.push(relative(dir, p).split(sep).join('/'));
      }
    }
  };
  await walk(dir);
  return out.sort();
}

/** Uploads a local folder into a session folder ("data", "work/src"): hashes, asks HasBlobs, sends only what is missing. */
export async function uploadFolder(
  conn: WorkerConnection,
  sessionId: string,
  localDir: string,
  remoteDir: string,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const base = pathSegments(remoteDir, 'remote folder').join('/');
  const files = await listFolder(localDir);
  return uploadFiles(
    conn,
    sessionId,
    files.map((f) => ({ localPath: join(localDir, ...f.split('/')), remotePath: `${base}/${f}` })),
    options,
  );
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

/**
 * Hashes remembered per file identity (device, inode, size, mtime): the same competition data
 * goes to many sessions, and re-hashing gigabytes each time would cost more than the transfer
 * the cache saves. A changed file has a new mtime or size and is hashed again.
 */
const hashMemo = new Map<string, { sha256: string; size: number }>();

async function hashCached(path: string, st: Stats): Promise<{ sha256: string; size: number }> {
  const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${path}`;
  const known = hashMemo.get(key);
  if (known) return known;
  const h = await hashFile(path);
  if (hashMemo.size > 200_000) hashMemo.clear();
  hashMemo.set(key, h);
  return h;
}

/** Uploads files, sending the content only of blobs the worker's cache lacks. */
export async function uploadFiles(conn: WorkerConnection, sessionId: string, entries: readonly UploadEntry[], options: UploadOptions = {}): Promise<UploadResult> {
  for (const e of entries) pathSegments(e.remotePath, 'remote path');
  const chunkBytes = options.chunkBytes ?? 256 * 1024;
  const hashed = await mapLimit(entries, options.hashConcurrency ?? 4, async (e) => {
    const st = await stat(e.localPath);
    return { ...e, ...(await hashCached(e.localPath, st)), mode: st.mode & 0o777 };
  });
  const present = new Set<string>();
  const unique = [...new Set(hashed.map((h) => h.sha256))];
  for (let i = 0; i < unique.length; i += 2000) {
    const res = (await conn.unary('hasBlobs', { sha256: unique.slice(i, i + 2000) })) as unknown as HasBlobsResponse;
    for (const h of res.present) present.add(h);
  }

  let bytesSkipped = 0;
  const response = await new Promise<PutFilesResponse>((resolve, reject) => {
    let failed: Error | null = null;
    const wake: (() => void)[] = [];
    const call: ClientWritableStream<PutFilesRequest> = conn.client.putFiles(conn.metadata, (err: ServiceError | null, res?: PutFilesResponse) => {
      if (err) {
        failed = err;
        for (const w of wake.splice(0)) w();
        reject(err);
      } else resolve(res!);
    });
    // Waits for 'drain' (backpressure), or stops at once when the worker has already refused the call.
    const write = (msg: PutFilesRequest) =>
      new Promise<void>((res, rej) => {
        if (failed) return rej(failed);
        if (call.write(msg)) return res();
        const go = () => (failed ? rej(failed) : res());
        wake.push(go);
        call.once('drain', go);
      });
    (async () => {
      const sentInThisCall = new Set<string>();
      for (const f of hashed) {
        // A blob sent earlier in this same call is in the cache by the time its next header is read.
        const cached = present.has(f.sha256) || sentInThisCall.has(f.sha256);
        await write({ item: { $case: 'header', value: { sessionId, path: f.remotePath, size: f.size, sha256: f.sha256, mode: f.mode, fromCache: cached } } });
        if (cached) {
          bytesSkipped += f.size;
          continue;
        }
        const fh = await open(f.localPath, 'r');
        try {
          let pos = 0;
          while (pos < f.size) {
            const buf = Buffer.allocUnsafe(Math.min(chunkBytes, f.size - pos));
            const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
            if (bytesRead === 0) break;
            await write({ item: { $case: 'chunk', value: bytesRead === buf.length ? buf : buf.subarray(0, bytesRead) } });
            pos += bytesRead;
          }
        } finally {
          await fh.close();
        }
        sentInThisCall.add(f.sha256);
      }
      call.end();
    })().catch((err: unknown) => {
      if (err !== failed) call.cancel();
      reject(err);
    });
  });
  return { ...response, bytesSkipped };
}

export interface DownloadedFile {
  path: string;
  size: number;
  sha256: string;
}

interface Incoming {
  header: DownloadedFile;
  tmp: string;
  target: string;
  fh: FileHandle;
  hash: Hash;
  got: number;
}

/**
 * Downloads files or folders of a session into `localDir` (as paths relative to the session,
 * e.g. localDir/submission/submission.csv). Each file is checked against its sha256 and appears
 * whole or not at all; a worker naming a path outside `localDir` is refused.
 */
export async function downloadFiles(conn: WorkerConnection, sessionId: string, paths: readonly string[], localDir: string): Promise<DownloadedFile[]> {
  const stream = conn.stream('getFiles', { sessionId, paths: [...paths] });
  const done: DownloadedFile[] = [];
  let cur: Incoming | null = null;

  const finish = async () => {
    if (!cur) return;
    const c = cur;
    cur = null;
    await c.fh.close();
    const sha = c.hash.digest('hex');
    if (c.got !== c.header.size || sha !== c.header.sha256) {
      await rm(c.tmp, { force: true });
      throw new Error(`download of ${c.header.path} is damaged: ${c.got} of ${c.header.size} bytes, sha256 ${sha}`);
    }
    await rename(c.tmp, c.target);
    done.push(c.header);
  };

  try {
    for await (const msg of stream as AsyncIterable<GetFilesResponse>) {
      const item = msg.item;
      if (!item) continue;
      if (item.$case === 'header') {
        await finish();
        const h = item.value;
        const target = join(localDir, ...pathSegments(h.path, 'path sent by the worker'));
        await mkdir(dirname(target), { recursive: true });
        const tmp = `${target}.aira-${randomBytes(6).toString('hex')}`;
        const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, (h.mode & 0o777) || 0o644);
        cur = { header: { path: h.path, size: h.size, sha256: h.sha256 }, tmp, target, fh, hash: createHash('sha256'), got: 0 };
      } else {
        if (!cur) throw new Error('the worker sent a chunk before a header');
        const c: Incoming = cur;
        c.hash.update(item.value);
        c.got += item.value.length;
        let off = 0;
        while (off < item.value.length) off += (await c.fh.write(item.value, off)).bytesWritten;
      }
    }
    await finish();
  } catch (err) {
    const c = cur as Incoming | null;
    if (c) {
      await c.fh.close().catch(() => undefined);
      await rm(c.tmp, { force: true });
    }
    stream.cancel();
    throw err;
  }
  return done;
}
