import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  openSync,
  read,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type {
  FileHeader,
  GetFilesRequest,
  InlineFile,
  GetFilesResponse,
  PutFilesRequest,
  PutFilesResponse,
} from '@aira/protocol';
import { BlobCache, BlobWriter, EMPTY_SHA256, IntegrityError, SHA256_RE, SMALL_BLOB } from './blobs.js';
import {
  NotFoundError,
  PathError,
  isInside,
  openInside,
  pathSegments,
  prepareWrite,
  realRoots,
} from './paths.js';

/** What file transfer needs to know about a session. */
export interface FileSessionView {
  /** The session root: data/, work/, submission/ lie in it. */
  root: string;
  /** A shared folder bound read-only as data/ (then nothing may be uploaded into data/). */
  dataPath?: string;
  /**
   * Candidate code sees data/ read-only (sandboxed), so cached blobs may be hard-linked there.
   * Otherwise every file is copied, so a write cannot reach the cache.
   */
  linkData: boolean;
}

export interface FileContext {
  cache: BlobCache;
  session(id: string): FileSessionView | undefined;
}

/** A failure with the gRPC status it maps to (a name, so this module needs no grpc import). */
export class TransferError extends Error {
  override name = 'TransferError';
  constructor(
    readonly code: 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'FAILED_PRECONDITION' | 'DATA_LOSS',
    message: string,
  ) {
    super(message);
  }
}

/** Maps the errors of paths.ts and blobs.ts to a TransferError. */
export function toTransferError(err: unknown): TransferError | Error {
  if (err instanceof TransferError) return err;
  if (err instanceof PathError) return new TransferError('INVALID_ARGUMENT', err.message);
  if (err instanceof NotFoundError) return new TransferError('NOT_FOUND', err.message);
  if (err instanceof IntegrityError) return new TransferError('DATA_LOSS', err.message);
  return err as Error;
}

function sessionOf(ctx: FileContext, id: string): FileSessionView {
  if (!id) throw new TransferError('INVALID_ARGUMENT', 'session_id is empty');
  const s = ctx.session(id);
  if (!s) throw new TransferError('NOT_FOUND', `no open session ${id}`);
  return s;
}

interface Pending {
  header: FileHeader;
  target: string;
  writer: BlobWriter;
  session: FileSessionView;
}

/**
 * Receives a PutFiles stream: each file is a header, then its chunks (none when the header says
 * `from_cache`). Bytes go to the content cache first and are checked against size and sha256;
 * only then does the file appear in the session (link or copy, whole or not at all).
 */
export async function receiveFiles(
  ctx: FileContext,
  messages: AsyncIterable<PutFilesRequest>,
): Promise<PutFilesResponse> {
  const result: PutFilesResponse = { files: 0, bytesReceived: 0, cacheHits: 0 };
  let pending: Pending | null = null;

  const finish = async () => {
    if (!pending) return;
    const p = pending;
    pending = null;
    await p.writer.commit(p.header.sha256, p.header.size);
    await place(ctx, p.session, p.header, p.target);
    result.files++;
  };

  try {
    for await (const msg of messages) {
      const item = msg.item;
      if (!item) continue;
      if (item.$case === 'chunk') {
        if (!pending)
          throw new TransferError(
            'INVALID_ARGUMENT',
            'a chunk arrived before any file header (or after a from_cache header)',
          );
        if (pending.writer.bytes + item.value.length > pending.header.size) {
          throw new TransferError(
            'INVALID_ARGUMENT',
            `${pending.header.path}: more bytes than the header's size ${pending.header.size}`,
          );
        }
        result.bytesReceived += item.value.length;
        await pending.writer.write(item.value);
        continue;
      }
      await finish();
      const header = item.value;
      const session = sessionOf(ctx, header.sessionId);
      const sha = header.sha256.toLowerCase();
      if (!SHA256_RE.test(sha))
        throw new TransferError('INVALID_ARGUMENT', `${header.path}: sha256 must be 64 hex digits`);
      const h = { ...header, sha256: sha };
      const target = writeTarget(session, h.path);
      if (h.fromCache || (h.size === 0 && sha === EMPTY_SHA256)) {
        if (h.size === 0 && sha === EMPTY_SHA256 && !ctx.cache.has(sha)) {
          const w = await ctx.cache.writer();
          await w.commit(sha, 0);
        }
        if (!ctx.cache.has(sha, h.size))
          throw new TransferError(
            'FAILED_PRECONDITION',
            `${h.path}: blob ${sha} is not in the worker's cache; send the content`,
          );
        await place(ctx, session, h, target);
        result.files++;
        if (h.fromCache) result.cacheHits++;
        continue;
      }
      pending = { header: h, target, writer: await ctx.cache.writer(), session };
    }
    await finish();
  } catch (err) {
    const p = pending as Pending | null;
    if (p) await p.writer.abort();
    throw toTransferError(err);
  }
  return result;
}

/** Where a file put into the session goes: PutFiles's path rules, folders on the way made. */
function writeTarget(session: FileSessionView, path: string): string {
  if (pathSegments(path)[0] === 'data' && session.dataPath) {
    throw new TransferError(
      'FAILED_PRECONDITION',
      `${path}: this session's data folder is the shared ${session.dataPath} (read-only)`,
    );
  }
  return prepareWrite(session.root, path).target;
}

/**
 * Writes an Exec's files (ExecRequest.files: small, whole, checked for size by the request's
 * checks) into the session, each whole or not at all (temporary name, then rename). Synchronous
 * and past the content cache: they are a job's own small files, written just before its exec
 * (docs/dispatch.md).
 */
export function writeInlineFiles(ctx: FileContext, sessionId: string, files: readonly InlineFile[]): void {
  try {
    const session = sessionOf(ctx, sessionId);
    for (const f of files) {
      const target = writeTarget(session, f.path);
      const tmp = `${target}.aira-${randomBytes(6).toString('hex')}`;
      try {
        const fd = openSync(tmp, 'wx', 0o600);
        try {
          fchmodSync(fd, (f.mode || 0o644) & 0o777);
          for (let off = 0; off < f.data.length;) off += writeSync(fd, f.data, off);
        } finally {
          closeSync(fd);
        }
        renameSync(tmp, target);
      } catch (err) {
        rmSync(tmp, { force: true });
        throw err;
      }
    }
  } catch (err) {
    throw toTransferError(err);
  }
}

async function place(
  ctx: FileContext,
  session: FileSessionView,
  header: FileHeader,
  target: string,
): Promise<void> {
  const inData = pathSegments(header.path)[0] === 'data';
  await ctx.cache.materialize(
    header.sha256,
    target,
    inData && session.linkData ? 'link' : 'copy',
    header.mode || 0o644,
    header.size,
  );
}

/** Chunk size of GetFiles responses. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Sends the files of GetFiles: each as a header (size, sha256, mode) followed by its chunks.
 * Folders are walked in name order; a symlink that leads outside the session is refused, one
 * that stays inside is followed for files (not for folders, so a loop cannot hang the walk).
 */
export async function sendFiles(
  ctx: FileContext,
  request: GetFilesRequest,
  send: (msg: GetFilesResponse) => Promise<void>,
  signal?: { cancelled: boolean },
): Promise<{ files: number; bytes: number }> {
  try {
    return await sendAll(ctx, request, send, signal);
  } catch (err) {
    throw toTransferError(err);
  }
}

async function sendAll(
  ctx: FileContext,
  request: GetFilesRequest,
  send: (msg: GetFilesResponse) => Promise<void>,
  signal?: { cancelled: boolean },
): Promise<{ files: number; bytes: number }> {
  const session = sessionOf(ctx, request.sessionId);
  if (request.paths.length === 0) throw new TransferError('INVALID_ARGUMENT', 'no paths asked for');
  const extra = session.dataPath ? [session.dataPath] : [];
  const roots = realRoots(session.root, extra);
  let files = 0;
  let bytes = 0;
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);

  const header = (rel: string, size: number, sha256: string, mode: number): GetFilesResponse => ({
    item: {
      $case: 'header',
      value: { sessionId: request.sessionId, path: rel, size, sha256, mode, fromCache: false },
    },
  });

  const sendOne = async (rel: string) => {
    const { fd, stat } = openInside(session.root, rel, extra);
    try {
      if (!stat.isFile()) throw new PathError(`${rel} is not a regular file`);
      // A small file (a submission, a log) is read whole with one synchronous read and sent from
      // that one buffer: no thread-pool round trips on the path that frees a job's slot.
      const small = stat.size <= SMALL_BLOB ? readSmall(fd) : null;
      if (small) {
        const sha256 = createHash('sha256').update(small).digest('hex');
        await send(header(rel, small.length, sha256, stat.mode & 0o777));
        if (small.length) await send({ item: { $case: 'chunk', value: small } });
        files++;
        bytes += small.length;
        return;
      }
      const { sha256, size } = await hashFd(fd, buf);
      await send(header(rel, size, sha256, stat.mode & 0o777));
      let pos = 0;
      while (pos < size) {
        if (signal?.cancelled) return;
        const bytesRead = await readAt(fd, buf, Math.min(buf.length, size - pos), pos);
        if (bytesRead === 0) break;
        // Copy: the buffer is reused while gRPC may still hold the previous chunk.
        await send({ item: { $case: 'chunk', value: Buffer.from(buf.subarray(0, bytesRead)) } });
        pos += bytesRead;
      }
      files++;
      bytes += size;
    } finally {
      closeSync(fd);
    }
  };

  const walk = async (rel: string): Promise<void> => {
    const abs = join(session.root, ...pathSegments(rel));
    const entries = readdirSync(abs, { withFileTypes: true })
      .map((e) => ({
        name: e.name,
        kind: e.isFile() ? 'file' : e.isDirectory() ? 'dir' : e.isSymbolicLink() ? 'link' : 'other',
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (signal?.cancelled) return;
      const child = `${rel}/${e.name}`;
      if (e.kind === 'file') await sendOne(child);
      else if (e.kind === 'dir') await walk(child);
      else if (e.kind === 'link') {
        // Opening checks where it leads; a link to a folder inside is skipped (not followed).
        const { fd, stat } = openInside(session.root, child, extra);
        closeSync(fd);
        if (stat.isFile()) await sendOne(child);
      }
    }
  };

  for (const raw of request.paths) {
    const rel = pathSegments(raw).join('/');
    const { fd, stat, real } = openInside(session.root, rel, extra);
    closeSync(fd);
    if (!roots.some((r) => isInside(real, r)))
      throw new TransferError('INVALID_ARGUMENT', `path ${JSON.stringify(raw)} leads outside the session`);
    if (stat.isDirectory()) await walk(rel);
    else await sendOne(rel);
  }
  return { files, bytes };
}

const readAsync = promisify(read);

/** Reads into `buf` at file offset `pos`; the bytes read. */
async function readAt(fd: number, buf: Buffer, length: number, pos: number): Promise<number> {
  return (await readAsync(fd, buf, 0, length, pos)).bytesRead;
}

/** sha256 and size of an open file, read through `buf`. */
async function hashFd(fd: number, buf: Buffer): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let pos = 0;
  for (;;) {
    const n = await readAt(fd, buf, buf.length, pos);
    if (n === 0) break;
    hash.update(buf.subarray(0, n));
    pos += n;
  }
  return { sha256: hash.digest('hex'), size: pos };
}

/**
 * The whole content of a file of at most SMALL_BLOB bytes, read synchronously; null when it holds
 * more (it grew since its stat): the caller then streams it.
 */
function readSmall(fd: number): Buffer | null {
  const out = Buffer.allocUnsafe(SMALL_BLOB + 1);
  let got = 0;
  for (;;) {
    const n = readSync(fd, out, got, out.length - got, got);
    if (n === 0) break;
    got += n;
    if (got > SMALL_BLOB) return null;
  }
  return out.subarray(0, got);
}

/** HasBlobs: which of these hashes the cache holds (malformed ones are simply absent). */
export function presentBlobs(cache: BlobCache, hashes: readonly string[]): string[] {
  return cache.present(hashes.map((h) => h.toLowerCase()));
}
