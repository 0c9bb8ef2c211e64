import { createHash, randomBytes, type Hash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { mkdir, open, opendir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { status, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import pLimit from 'p-limit';
import type {
  GetFilesResponse,
  HasBlobsResponse,
  PutFilesRequest,
  PutFilesResponse,
  WorkerConnection,
} from '@aira/protocol';
import { hashFile } from './blobs.js';
import { pathSegments } from './paths.js';

/**
 * One file to send and where it goes in the session ("data/train.csv"): a local file, streamed
 * from disk (its mode kept), or bytes in memory (mode 0644 unless given).
 */
export type UploadEntry =
  { localPath: string; remotePath: string } | { data: Buffer; remotePath: string; mode?: number };

export interface UploadResult extends PutFilesResponse {
  /** Bytes that did not travel because the worker had them. */
  bytesSkipped: number;
}

export interface UploadOptions {
  /** Chunk size of PutFiles messages. */
  chunkBytes?: number;
  /** Files hashed at once. */
  hashConcurrency?: number;
  /** The call's deadline (epoch ms) given the bytes that will travel; none by default. */
  deadline?: (bytesToSend: number) => number;
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

/**
 * Blobs each worker is known to hold (sent, or confirmed by HasBlobs, in an upload that
 * succeeded), so the next upload sends only their headers without asking first. A worker that
 * lost one (pruned cache, a new daemon at the same address) refuses the header with
 * FAILED_PRECONDITION, and the upload is made again asking about every blob.
 */
const knownBlobs = new WeakMap<WorkerConnection, Set<string>>();
/** Unknown files this small are sent without asking HasBlobs: the round trip costs more than their bytes. */
const ASK_ABOVE_BYTES = 64 * 1024;

type Hashed = UploadEntry & { sha256: string; size: number; mode: number };

/** Uploads files, sending the content only of blobs the worker's cache lacks. */
export async function uploadFiles(
  conn: WorkerConnection,
  sessionId: string,
  entries: readonly UploadEntry[],
  options: UploadOptions = {},
): Promise<UploadResult> {
  for (const e of entries) pathSegments(e.remotePath, 'remote path');
  const hashed: Hashed[] = await pLimit(options.hashConcurrency ?? 4).map(entries, async (e) => {
    if ('data' in e)
      return {
        ...e,
        sha256: createHash('sha256').update(e.data).digest('hex'),
        size: e.data.length,
        mode: e.mode ?? 0o644,
      };
    const st = await stat(e.localPath);
    return { ...e, ...(await hashCached(e.localPath, st)), mode: st.mode & 0o777 };
  });
  let known = knownBlobs.get(conn);
  if (!known || known.size > 100_000) knownBlobs.set(conn, (known = new Set()));
  try {
    const result = await putHashed(conn, sessionId, hashed, options, known);
    for (const h of hashed) known.add(h.sha256);
    return result;
  } catch (err) {
    const trusted = hashed.some((h) => known.has(h.sha256));
    if ((err as ServiceError).code !== status.FAILED_PRECONDITION || !trusted) throw err;
    known.clear();
    const result = await putHashed(conn, sessionId, hashed, options, known);
    for (const h of hashed) known.add(h.sha256);
    return result;
  }
}

/** One PutFiles call: asks HasBlobs about the large blobs not known to be there, then sends. */
async function putHashed(
  conn: WorkerConnection,
  sessionId: string,
  hashed: Hashed[],
  options: UploadOptions,
  known: Set<string>,
): Promise<UploadResult> {
  const chunkBytes = options.chunkBytes ?? 256 * 1024;
  const present = new Set<string>(hashed.filter((h) => known.has(h.sha256)).map((h) => h.sha256));
  const unique = [
    ...new Set(hashed.filter((h) => !present.has(h.sha256) && h.size > ASK_ABOVE_BYTES).map((h) => h.sha256)),
  ];
  for (let i = 0; i < unique.length; i += 2000) {
    const res = (await conn.unary('hasBlobs', {
      sha256: unique.slice(i, i + 2000),
    })) as unknown as HasBlobsResponse;
    for (const h of res.present) present.add(h);
  }

  let bytesSkipped = 0;
  const toSend = hashed.reduce((n, h) => (present.has(h.sha256) ? n : n + h.size), 0);
  const callOptions = options.deadline ? { deadline: options.deadline(toSend) } : {};
  const response = await new Promise<PutFilesResponse>((resolve, reject) => {
    let failed: Error | null = null;
    const wake: (() => void)[] = [];
    const call: ClientWritableStream<PutFilesRequest> = conn.client.putFiles(
      conn.metadata,
      callOptions,
      (err: ServiceError | null, res?: PutFilesResponse) => {
        if (err) {
          failed = err;
          for (const w of wake.splice(0)) w();
          reject(err);
        } else resolve(res!);
      },
    );
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
        await write({
          item: {
            $case: 'header',
            value: {
              sessionId,
              path: f.remotePath,
              size: f.size,
              sha256: f.sha256,
              mode: f.mode,
              fromCache: cached,
            },
          },
        });
        if (cached) {
          bytesSkipped += f.size;
          continue;
        }
        if ('data' in f) {
          for (let off = 0; off < f.size; off += chunkBytes)
            await write({ item: { $case: 'chunk', value: f.data.subarray(off, off + chunkBytes) } });
          sentInThisCall.add(f.sha256);
          continue;
        }
        const fh = await open(f.localPath, 'r');
        try {
          let pos = 0;
          while (pos < f.size) {
            const buf = Buffer.allocUnsafe(Math.min(chunkBytes, f.size - pos));
            const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
            if (bytesRead === 0) break;
            await write({
              item: { $case: 'chunk', value: bytesRead === buf.length ? buf : buf.subarray(0, bytesRead) },
            });
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

/** A file of a session held in memory: what an agent reads (its code, its submission). */
export interface FetchedFile {
  path: string;
  data: Buffer;
  mode: number;
}

/** Where one incoming file goes: `write` takes its chunks, `done` its whole hash, `abort` cleans up. */
interface Sink {
  write(chunk: Buffer): Promise<void> | void;
  done(sha256: string, got: number): Promise<void>;
  abort(): Promise<void>;
}

interface Header {
  path: string;
  size: number;
  sha256: string;
  mode: number;
}

/**
 * Reads a GetFiles stream: a header, then its chunks, per file. Each file's bytes are counted and
 * hashed as they pass, and checked by the sink against its header.
 */
async function receive(
  conn: WorkerConnection,
  sessionId: string,
  paths: readonly string[],
  openSink: (h: Header) => Promise<Sink>,
  deadline?: number,
): Promise<void> {
  const stream = conn.stream(
    'getFiles',
    { sessionId, paths: [...paths] },
    deadline === undefined ? {} : { deadline },
  );
  let cur: { sink: Sink; hash: Hash; got: number } | null = null;
  const finish = async () => {
    if (!cur) return;
    const c = cur;
    cur = null;
    await c.sink.done(c.hash.digest('hex'), c.got);
  };
  try {
    for await (const msg of stream as AsyncIterable<GetFilesResponse>) {
      const item = msg.item;
      if (!item) continue;
      if (item.$case === 'header') {
        await finish();
        cur = { sink: await openSink(item.value), hash: createHash('sha256'), got: 0 };
      } else {
        if (!cur) throw new Error('the worker sent a chunk before a header');
        const c: { sink: Sink; hash: Hash; got: number } = cur;
        c.hash.update(item.value);
        c.got += item.value.length;
        await c.sink.write(item.value);
      }
    }
    await finish();
  } catch (err) {
    const c = cur as { sink: Sink } | null;
    if (c) await c.sink.abort();
    stream.cancel();
    throw err;
  }
}

/**
 * Downloads files or folders of a session into `localDir` (as paths relative to the session,
 * e.g. localDir/submission/submission.csv). Each file is checked against its sha256 and appears
 * whole or not at all; a worker naming a path outside `localDir` is refused.
 */
export async function downloadFiles(
  conn: WorkerConnection,
  sessionId: string,
  paths: readonly string[],
  localDir: string,
): Promise<DownloadedFile[]> {
  const done: DownloadedFile[] = [];
  await receive(conn, sessionId, paths, async (h) => {
    const target = join(localDir, ...pathSegments(h.path, 'path sent by the worker'));
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.aira-${randomBytes(6).toString('hex')}`;
    const fh: FileHandle = await open(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      h.mode & 0o777 || 0o644,
    );
    let closed = false;
    const close = async () => {
      if (!closed) await fh.close();
      closed = true;
    };
    return {
      async write(chunk) {
        let off = 0;
        while (off < chunk.length) off += (await fh.write(chunk, off)).bytesWritten;
      },
      async done(sha, got) {
        await close();
        if (got !== h.size || sha !== h.sha256) {
          await rm(tmp, { force: true });
          throw new Error(`download of ${h.path} is damaged: ${got} of ${h.size} bytes, sha256 ${sha}`);
        }
        await rename(tmp, target);
        done.push({ path: h.path, size: h.size, sha256: h.sha256 });
      },
      async abort() {
        await close().catch(() => undefined);
        await rm(tmp, { force: true });
      },
    };
  });
  return done;
}

/**
 * Files or whole folders of a session, in memory, each checked against its size and sha256.
 * `deadline` (epoch ms) bounds the whole call.
 */
export async function fetchFiles(
  conn: WorkerConnection,
  sessionId: string,
  paths: readonly string[],
  options: { deadline?: number } = {},
): Promise<FetchedFile[]> {
  const out: FetchedFile[] = [];
  await receive(
    conn,
    sessionId,
    paths,
    async (h) => {
      const chunks: Buffer[] = [];
      return {
        write: (chunk) => void chunks.push(chunk),
        async done(sha, got) {
          if (got !== h.size || (h.sha256 && sha !== h.sha256))
            throw new Error(
              `file ${h.path} from session ${sessionId} arrived damaged (${got}/${h.size} bytes)`,
            );
          out.push({ path: h.path, data: Buffer.concat(chunks), mode: h.mode });
        },
        abort: async () => undefined,
      };
    },
    options.deadline,
  );
  return out;
}
