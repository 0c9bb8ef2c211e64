import { randomBytes } from 'node:crypto';
import { errorMessage, type Logger } from '@aira/core';
import type { OpenSessionResponse } from '@aira/protocol';
import type { LocalSessionFile, SessionFile } from '../agent/types.js';
import type { PoolWorker } from '../pool/pool-worker.js';
import { putFiles } from '../session/files.js';
import { openSessionRpc, warmUp } from '../session/worker-session.js';
import type { Closings } from './closings.js';

/** A spare session as a job takes it. */
export interface TakenSpare {
  opened: OpenSessionResponse;
  /** Whether the files every job's session gets are in it (when not, the job puts them itself). */
  filesPut: boolean;
}

interface Spare {
  sessionId: string;
  /** The opened session, or null when it could not be opened (the job then opens its own). */
  opened: Promise<TakenSpare | null>;
}

/**
 * Sessions opened ahead, `depth` per worker (oldest taken first), while the worker's current job
 * runs: the next job on that worker starts in one at once instead of waiting for a session to
 * open. With two, the one a job takes opened during an earlier job, so a job shorter than a
 * session's start does not wait for it (docs/dispatch.md).
 */
export class SpareSessions {
  private readonly spares = new Map<string, Spare[]>();

  constructor(
    private readonly o: {
      studyId: string;
      runId: string;
      callDeadlineMs: number;
      logger: Logger;
      closings: Closings;
      /** Spares kept per worker (`workers.spares`). */
      depth: number;
    },
  ) {}

  /** Session ids a worker may keep (reconciling closes the others). */
  ids(): string[] {
    return [...this.spares.values()].flat().map((s) => s.sessionId);
  }

  /**
   * Opens spares on the worker until it has `depth`. `files` (the same in every job's session: the
   * run's files, the agent's) are put into it now, off the next job's clock (docs/dispatch.md).
   */
  open(w: PoolWorker, dataPath: string | undefined, files: Array<SessionFile | LocalSessionFile> = []): void {
    const queue = this.spares.get(w.id) ?? [];
    if (queue.length >= this.o.depth) return;
    this.spares.set(w.id, queue);
    const sessionId = `${this.o.runId}.spare-${randomBytes(4).toString('hex')}`;
    const log = this.o.logger;
    // Workers that can start the shell at OpenSession need no warm-up exec (docs/dispatch.md).
    const startShell = (w.info?.features ?? []).includes('session.start');
    const opened = openSessionRpc(w, {
      sessionId,
      labels: { 'aira.study': this.o.studyId, 'aira.run': this.o.runId, 'aira.spare': 'yes' },
      dataPath,
      callDeadlineMs: this.o.callDeadlineMs,
      startShell,
    })
      .then(async (res) => {
        const [filesPut] = await Promise.all([
          putSpareFiles(w, res.sessionId, files, this.o.callDeadlineMs).catch((err: unknown) => {
            // The job puts them itself, through the session (which also knows the shell's way).
            log.debug(
              { worker: w.id, session: sessionId, err: errorMessage(err) },
              'files into a spare failed',
            );
            return false;
          }),
          // Other workers start a session's shell on its first exec: start it now, off the next job's clock.
          startShell
            ? undefined
            : warmUp(w, res.sessionId).catch((err: unknown) =>
                // Harmless: the shell then starts on the job's first exec.
                log.debug(
                  { worker: w.id, session: sessionId, err: errorMessage(err) },
                  'warming a spare failed',
                ),
              ),
        ]);
        return { opened: res, filesPut };
      })
      .catch((err: unknown) => {
        // Usually the worker went away; its job goes on elsewhere.
        log.debug(
          { worker: w.id, session: sessionId, err: errorMessage(err) },
          'a spare session could not be opened; the next job opens its own',
        );
        return null;
      });
    queue.push({ sessionId, opened });
    if (queue.length < this.o.depth) this.open(w, dataPath, files);
  }

  /** The worker's oldest spare session when it opened fine, else undefined (the job opens its own). */
  async take(w: PoolWorker): Promise<TakenSpare | undefined> {
    const spare = this.spares.get(w.id)?.shift();
    if (!spare) return undefined;
    return (await spare.opened) ?? undefined;
  }

  /** Forgets the worker's spares; `close` also closes them on the worker (not when it is unreachable). */
  drop(w: PoolWorker, close: boolean): void {
    const queue = this.spares.get(w.id) ?? [];
    this.spares.delete(w.id);
    if (close)
      for (const spare of queue)
        this.o.closings.add(
          spare.opened.then(
            (res) =>
              res && w.conn.unary('closeSession', { sessionId: res.opened.sessionId, keepWorkspace: false }),
          ),
          { worker: w.id, session: spare.sessionId },
        );
  }
}

/** Puts files through the worker's file service; false when there is none (the session then uses the shell). */
async function putSpareFiles(
  w: PoolWorker,
  sessionId: string,
  files: Array<SessionFile | LocalSessionFile>,
  deadlineMs: number,
): Promise<boolean> {
  if (files.length === 0) return true;
  if (w.noFileService) return false;
  await putFiles(w.conn, sessionId, files, deadlineMs);
  return true;
}
