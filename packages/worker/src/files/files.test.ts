import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { CHANNEL_OPTIONS, WorkerConnection, WorkerServiceService, withAuth } from '@aira/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobCache } from './blobs.js';
import { downloadFiles, fetchFiles, uploadFiles, uploadFolder } from './client.js';
import { createFileHandlers } from './handlers.js';
import { PathError, pathSegments } from './paths.js';
import type { FileSessionView } from './transfer.js';

const tmp = mkdtempSync(join(tmpdir(), 'aira-files-'));
const token = randomBytes(12).toString('hex');
const sessions = new Map<string, FileSessionView>();
const cache = new BlobCache(join(tmp, 'worker', 'blobs'));
let server: Server;
let conn: WorkerConnection;

function newSession(id: string, extra: Partial<FileSessionView> = {}): FileSessionView {
  const root = join(tmp, 'worker', 'sessions', id);
  for (const d of ['data', 'work', 'submission']) mkdirSync(join(root, d), { recursive: true });
  const s = { root, linkData: true, ...extra };
  sessions.set(id, s);
  return s;
}

// The file handlers on a real gRPC server (127.0.0.1:0) with the token check, driven through the
// real client; the daemon-level tests drive the same handlers inside `aira worker`.
beforeAll(async () => {
  server = new Server(CHANNEL_OPTIONS);
  const handlers = createFileHandlers({ cache, session: (id) => sessions.get(id) });
  server.addService(WorkerServiceService, withAuth(WorkerServiceService, handlers, token));
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  conn = new WorkerConnection({ address: `127.0.0.1:${port}`, token });
});
afterAll(() => {
  conn?.close();
  server?.forceShutdown();
  rmSync(tmp, { recursive: true, force: true });
});

function makeFolder(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(tmp, 'local', name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

async function rpcError(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('path checks', () => {
  it.each([
    ['', /empty/],
    ['../x', /leaves the session/],
    ['data/../../x', /leaves the session/],
    ['work/a/../../..', /leaves the session/],
    ['/etc/passwd', /absolute/],
    ['C:/x', /absolute/],
    ['data\\..\\x', /backslash/],
    ['data/\0x', /NUL/],
    ['.', /session root/],
  ])('refuses %j', (p, why) => {
    expect(() => pathSegments(p)).toThrow(PathError);
    expect(() => pathSegments(p)).toThrow(why);
  });

  it('accepts ordinary relative paths', () => {
    expect(pathSegments('data//train.csv')).toEqual(['data', 'train.csv']);
    expect(pathSegments('./work/./a.py')).toEqual(['work', 'a.py']);
  });
});

describe('PutFiles / GetFiles / HasBlobs over gRPC', () => {
  it('uploads a folder, then a re-upload sends no bytes (content cache)', async () => {
    newSession('s1');
    newSession('s2');
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const dir = makeFolder('f1', {
      'train.csv': 'a,b\n1,2\n',
      'sub/big.bin': big,
      'empty.txt': '',
      'dup.csv': 'a,b\n1,2\n',
    });
    const first = await uploadFolder(conn, 's1', dir, 'data');
    expect(first.files).toBe(4);
    // The duplicate travels once: its second header points at the blob the first one stored.
    expect(first.bytesReceived).toBe(big.length + 8);
    expect(readFileSync(join(sessions.get('s1')!.root, 'data/sub/big.bin')).equals(big)).toBe(true);

    const again = await uploadFolder(conn, 's2', dir, 'data');
    expect(again.bytesReceived).toBe(0);
    expect(again.cacheHits).toBe(4);
    expect(again.bytesSkipped).toBe(big.length + 16);
    expect(sha(readFileSync(join(sessions.get('s2')!.root, 'data/sub/big.bin')))).toBe(sha(big));
    const present = (await conn.unary('hasBlobs', {
      sha256: [sha(big), sha('nope'), 'not-hex'],
    })) as unknown as { present: string[] };
    expect(present.present).toEqual([sha(big)]);
  });

  it('hard-links read-only data from the cache, copies into writable folders', async () => {
    const s = newSession('links');
    const local = makeFolder('links', { 'x.bin': randomBytes(1000) });
    await uploadFiles(conn, 'links', [
      { localPath: join(local, 'x.bin'), remotePath: 'data/x.bin' },
      { localPath: join(local, 'x.bin'), remotePath: 'work/x.bin' },
    ]);
    const blob = statSync(cache.path(sha(readFileSync(join(local, 'x.bin')))));
    expect(statSync(join(s.root, 'data/x.bin')).ino).toBe(blob.ino);
    expect(statSync(join(s.root, 'work/x.bin')).ino).not.toBe(blob.ino);
    // Writing the copy cannot reach the cache.
    writeFileSync(join(s.root, 'work/x.bin'), 'changed');
    expect(cache.has(sha(readFileSync(join(local, 'x.bin'))), 1000)).toBe(true);
  });

  it('a blob changed through a hard link is no longer trusted', async () => {
    const s = newSession('tamper', { linkData: true });
    const content = randomBytes(500);
    const local = makeFolder('tamper', { 'a.bin': content });
    await uploadFiles(conn, 'tamper', [{ localPath: join(local, 'a.bin'), remotePath: 'data/a.bin' }]);
    // As candidate code without a sandbox could do:
    const p = join(s.root, 'data/a.bin');
    const fs = await import('node:fs');
    fs.chmodSync(p, 0o644);
    fs.appendFileSync(p, 'x');
    expect(cache.has(sha(content))).toBe(false);
    const again = await uploadFiles(conn, 'tamper', [
      { localPath: join(local, 'a.bin'), remotePath: 'work/a.bin' },
    ]);
    expect(again.bytesReceived).toBe(500);
  });

  it('downloads a folder with sha256 checks', async () => {
    const s = newSession('dl');
    mkdirSync(join(s.root, 'submission/deep'), { recursive: true });
    writeFileSync(join(s.root, 'submission/submission.csv'), 'id,y\n1,0\n');
    writeFileSync(join(s.root, 'submission/deep/model.bin'), randomBytes(2_500_000));
    symlinkSync('submission.csv', join(s.root, 'submission/alias.csv'));
    const out = join(tmp, 'dl-out');
    const got = await downloadFiles(conn, 'dl', ['submission'], out);
    expect(got.map((g) => g.path)).toEqual([
      'submission/alias.csv',
      'submission/deep/model.bin',
      'submission/submission.csv',
    ]);
    expect(
      readFileSync(join(out, 'submission/deep/model.bin')).equals(
        readFileSync(join(s.root, 'submission/deep/model.bin')),
      ),
    ).toBe(true);
    expect(readFileSync(join(out, 'submission/alias.csv'), 'utf8')).toBe('id,y\n1,0\n');
  });

  it('puts bytes held in memory (mode kept, cached like files) and fetches files into memory', async () => {
    const s = newSession('mem');
    const code = Buffer.from('print("hi")\n'.repeat(50_000));
    const first = await uploadFiles(
      conn,
      'mem',
      [{ data: code, remotePath: 'work/solution.py', mode: 0o755 }],
      { chunkBytes: 64 * 1024, deadline: (bytes) => Date.now() + 60_000 + bytes },
    );
    expect(first.bytesReceived).toBe(code.length);
    expect(statSync(join(s.root, 'work/solution.py')).mode & 0o777).toBe(0o755);
    const again = await uploadFiles(conn, 'mem', [{ data: code, remotePath: 'work/copy.py' }]);
    expect(again.bytesSkipped).toBe(code.length);
    expect(statSync(join(s.root, 'work/copy.py')).mode & 0o777).toBe(0o644);
    const got = await fetchFiles(conn, 'mem', ['work']);
    expect(got.map((f) => f.path)).toEqual(['work/copy.py', 'work/solution.py']);
    expect(got.every((f) => f.data.equals(code))).toBe(true);
    expect(got.find((f) => f.path === 'work/solution.py')!.mode & 0o777).toBe(0o755);
  });

  it('a blob the client knows the worker holds goes as a header; one the worker lost is sent again', async () => {
    const s1 = newSession('known-1');
    const s2 = newSession('known-2');
    const s3 = newSession('known-3');
    const code = Buffer.from(`echo ${randomBytes(8).toString('hex')}\n`);
    const first = await uploadFiles(conn, 'known-1', [{ data: code, remotePath: 'work/a.sh', mode: 0o755 }]);
    expect(first).toMatchObject({ bytesReceived: code.length, cacheHits: 0 });
    const again = await uploadFiles(conn, 'known-2', [{ data: code, remotePath: 'work/a.sh', mode: 0o755 }]);
    expect(again).toMatchObject({ bytesReceived: 0, cacheHits: 1 });
    // The worker's cache loses it (pruned, or a new daemon at the same address).
    rmSync(cache.path(sha(code)));
    const lost = await uploadFiles(conn, 'known-3', [{ data: code, remotePath: 'work/a.sh', mode: 0o755 }]);
    expect(lost.bytesReceived).toBe(code.length);
    for (const s of [s1, s2, s3]) {
      expect(readFileSync(join(s.root, 'work/a.sh')).equals(code)).toBe(true);
      expect(statSync(join(s.root, 'work/a.sh')).mode & 0o777).toBe(0o755);
    }
    expect(cache.has(sha(code), code.length)).toBe(true);
  });

  it('a blob that grows past the in-memory size mid-stream is stored whole and exact', async () => {
    const s = newSession('spill');
    const sizes = [64 * 1024, 64 * 1024 + 1, 200 * 1024 + 3];
    const blobs = sizes.map((n) => randomBytes(n));
    await uploadFiles(
      conn,
      'spill',
      blobs.map((b, i) => ({ data: b, remotePath: `work/b${i}.bin` })),
      { chunkBytes: 16 * 1024 },
    );
    blobs.forEach((b, i) => {
      expect(readFileSync(join(s.root, `work/b${i}.bin`)).equals(b)).toBe(true);
      expect(cache.has(sha(b), b.length)).toBe(true);
    });
  });

  it("a job's files round-trip byte for byte across the small-file size, into folders made on the way", async () => {
    const s = newSession('roundtrip');
    // 0 bytes, small, exactly the in-memory size, one past it, several chunks.
    const sizes = [0, 1, 5_000, 64 * 1024, 64 * 1024 + 1, 300 * 1024 + 7];
    const blobs = sizes.map((n) => randomBytes(n));
    const paths = blobs.map((_, i) => `submission/parents/p${i}/deep/f${i}.bin`);
    await uploadFiles(
      conn,
      'roundtrip',
      blobs.map((b, i) => ({ data: b, remotePath: paths[i]!, mode: i % 2 ? 0o755 : 0o600 })),
    );
    const got = await fetchFiles(conn, 'roundtrip', ['submission']);
    expect(got.map((f) => f.path)).toEqual([...paths].sort());
    blobs.forEach((b, i) => {
      const f = got.find((g) => g.path === paths[i])!;
      expect(f.data.equals(b)).toBe(true);
      expect(f.mode & 0o777).toBe(i % 2 ? 0o755 : 0o600);
      expect(readFileSync(join(s.root, paths[i]!)).equals(b)).toBe(true);
    });
    // One file asked for by name, and a parent that is a file, not a folder.
    const one = await fetchFiles(conn, 'roundtrip', [paths[3]!]);
    expect(one).toHaveLength(1);
    expect(one[0]!.data.equals(blobs[3]!)).toBe(true);
    const err = await rpcError(
      uploadFiles(conn, 'roundtrip', [{ data: Buffer.from('x'), remotePath: `${paths[1]}/below.txt` }]),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/is not a folder/);
  });

  it('a small blob is filed again when its cache sub-folder was removed after the cache made it', async () => {
    const s = newSession('subdir');
    const first = Buffer.from(`first ${randomBytes(8).toString('hex')}`);
    await uploadFiles(conn, 'subdir', [{ data: first, remotePath: 'work/a.txt' }]);
    // Another blob in the same sub-folder, after the folder is gone (removed by hand).
    rmSync(join(cache.dir, sha(first).slice(0, 2)), { recursive: true, force: true });
    let second: Buffer;
    do second = randomBytes(40);
    while (sha(second).slice(0, 2) !== sha(first).slice(0, 2));
    await uploadFiles(conn, 'subdir', [{ data: second, remotePath: 'work/b.bin' }]);
    expect(readFileSync(join(s.root, 'work/b.bin')).equals(second)).toBe(true);
    expect(cache.has(sha(second), second.length)).toBe(true);
  });

  describe('path traversal is refused in every form (INVALID_ARGUMENT)', () => {
    const outside = join(tmp, 'outside');
    beforeAll(() => {
      mkdirSync(outside, { recursive: true });
      writeFileSync(join(outside, 'secret.txt'), 'token');
      const s = newSession('trav');
      symlinkSync(join(outside, 'secret.txt'), join(s.root, 'work/leaf-link'));
      symlinkSync(outside, join(s.root, 'work/dir-link'));
      symlinkSync('../../../../outside', join(s.root, 'submission/rel-link'));
      mkdirSync(join(s.root, 'work/nested'));
      symlinkSync(join(outside, 'secret.txt'), join(s.root, 'work/nested/inner'));
    });

    it.each([
      '../x',
      'data/../../x',
      '/etc/passwd',
      'work/dir-link/new.txt',
      'work/leaf-link',
      'submission/rel-link/x',
      'other/x',
      'data',
    ])('PutFiles %j', async (path) => {
      const local = makeFolder('trav-put', { 'x.txt': 'hello' });
      const err = await rpcError(
        uploadFiles(conn, 'trav', [{ localPath: join(local, 'x.txt'), remotePath: path }]).catch(
          (e: unknown) => {
            // The client checks lexically first; send the same request raw so the worker's check is tested too.
            if (e instanceof PathError) return rawPut('trav', path, 'hello');
            throw e;
          },
        ),
      );
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('token');
    });

    it.each([
      '../x',
      '/etc/passwd',
      'work/leaf-link',
      'work/dir-link',
      'work/dir-link/secret.txt',
      'submission/rel-link/secret.txt',
      'work',
      'work/nested',
    ])('GetFiles %j', async (path) => {
      const err = await rpcError(rawGet('trav', path));
      expect(err.code).toBe(status.INVALID_ARGUMENT);
    });
  });

  it('a shared data folder cannot be written, and bad content is refused with DATA_LOSS', async () => {
    newSession('shared', { dataPath: tmp, linkData: true });
    const e1 = await rpcError(rawPut('shared', 'data/x.txt', 'x'));
    expect(e1.code).toBe(status.FAILED_PRECONDITION);
    newSession('bad');
    const e2 = await rpcError(rawPut('bad', 'work/x.txt', 'hello', sha('other')));
    expect(e2.code).toBe(status.DATA_LOSS);
    const e3 = await rpcError(rawPut('nope', 'work/x.txt', 'x'));
    expect(e3.code).toBe(status.NOT_FOUND);
  });
});

/** A PutFiles call written by hand, bypassing the client's own checks. */
function rawPut(sessionId: string, path: string, content: string, hash = sha(content)): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const call = conn.client.putFiles(conn.metadata, (err, res) => (err ? reject(err) : resolve(res)));
    call.write({
      item: {
        $case: 'header',
        value: { sessionId, path, size: content.length, sha256: hash, mode: 0o644, fromCache: false },
      },
    });
    call.write({ item: { $case: 'chunk', value: Buffer.from(content) } });
    call.end();
  });
}

function rawGet(sessionId: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = conn.stream('getFiles', { sessionId, paths: [path] });
    s.on('data', () => {});
    s.on('error', reject);
    s.on('end', resolve);
  });
}
