import { createHash } from 'node:crypto';
import type { ServiceError } from '@grpc/grpc-js';
import type { GetFilesResponse, PutFilesRequest, PutFilesResponse, WorkerConnection } from '@aira/protocol';
import type { SessionFile } from '../agent/types.js';

const CHUNK = 1024 * 1024;

/** Deadline that grows with the bytes moved (at a pessimistic 4 MB/s), never under the call deadline. */
function transferDeadline(bytes: number, base: number): number {
  return Date.now() + base + Math.ceil(bytes / 4_000);
}

/** Uploads files into a session (path relative to the session root), in chunks, each checked by sha256. */
export function putFiles(conn: WorkerConnection, sessionId: string, files: SessionFile[], deadlineMs: number): Promise<PutFilesResponse> {
  const bytes = files.reduce((n, f) => n + f.data.length, 0);
  return new Promise((resolve, reject) => {
    const call = conn.client.putFiles(conn.metadata, { deadline: transferDeadline(bytes, deadlineMs) }, (err: ServiceError | null, res?: PutFilesResponse) =>
      err ? reject(err) : resolve(res!),
    );
    void (async () => {
      const write = (msg: PutFilesRequest) =>
        new Promise<void>((ok) => {
          if (call.write(msg)) ok();
          else call.once('drain', ok);
        });
      for (const f of files) {
        const sha256 = createHash('sha256').update(f.data).digest('hex');
        await write({ item: { $case: 'header', value: { sessionId, path: f.path, size: f.data.length, sha256, mode: f.mode ?? 0o644, fromCache: false } } });
        for (let off = 0; off < f.data.length; off += CHUNK) await write({ item: { $case: 'chunk', value: f.data.subarray(off, off + CHUNK) } });
      }
      call.end();
    })().catch(reject);
  });
}

/** Downloads files or whole folders from a session; each file is checked against its sha256. */
export function getFiles(conn: WorkerConnection, sessionId: string, paths: string[], deadlineMs: number): Promise<SessionFile[]> {
  return new Promise((resolve, reject) => {
    const call = conn.client.getFiles({ sessionId, paths }, conn.metadata, { deadline: Date.now() + Math.max(deadlineMs, 600_000) });
    const out: SessionFile[] = [];
    let current: { path: string; sha256: string; size: number; mode: number; chunks: Buffer[] } | null = null;
    const finish = (): Error | null => {
      if (!current) return null;
      const data = Buffer.concat(current.chunks);
      const sha = createHash('sha256').update(data).digest('hex');
      if (data.length !== current.size || (current.sha256 && sha !== current.sha256)) {
        return new Error(`file ${current.path} from session ${sessionId} arrived damaged (${data.length}/${current.size} bytes)`);
      }
      out.push({ path: current.path, data, mode: current.mode });
      current = null;
      return null;
    };
    call.on('data', (res: GetFilesResponse) => {
      const item = res.item;
      if (item?.$case === 'header') {
        const err = finish();
        if (err) {
          call.cancel();
          reject(err);
          return;
        }
        current = { path: item.value.path, sha256: item.value.sha256, size: item.value.size, mode: item.value.mode, chunks: [] };
      } else if (item?.$case === 'chunk' && current) current.chunks.push(item.value);
    });
    call.on('error', reject);
    call.on('end', () => {
      const err = finish();
      if (err) reject(err);
      else resolve(out);
    });
  });
}
