import { fetchFiles, uploadFiles } from '@aira/worker';
import type { WorkerConnection } from '@aira/protocol';
import type { LocalSessionFile, SessionFile } from '../agent/types.js';

/** Deadline that grows with the bytes moved (at a pessimistic 4 MB/s), never under the call deadline. */
function transferDeadline(bytes: number, base: number): number {
  return Date.now() + base + Math.ceil(bytes / 4_000);
}

/**
 * Puts files into a session (paths relative to the session root) through the worker's file client:
 * content the worker's blob cache already holds does not travel, local files stream from disk.
 */
export async function putFiles(
  conn: WorkerConnection,
  sessionId: string,
  files: Array<SessionFile | LocalSessionFile>,
  deadlineMs: number,
): Promise<void> {
  const entries = files.map((f) =>
    'localPath' in f
      ? { localPath: f.localPath, remotePath: f.path }
      : { data: f.data, remotePath: f.path, mode: f.mode },
  );
  await uploadFiles(conn, sessionId, entries, { deadline: (bytes) => transferDeadline(bytes, deadlineMs) });
}

/** Downloads files or whole folders from a session; each file is checked against its sha256. */
export function getFiles(
  conn: WorkerConnection,
  sessionId: string,
  paths: string[],
  deadlineMs: number,
): Promise<SessionFile[]> {
  return fetchFiles(conn, sessionId, paths, { deadline: Date.now() + Math.max(deadlineMs, 600_000) });
}
