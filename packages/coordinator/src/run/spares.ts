import { randomBytes } from 'node:crypto';
import { errorMessage, type Logger } from '@aira/core';
import type { OpenSessionResponse } from '@aira/protocol';
import type { PoolWorker } from '../pool/pool-worker.js';
import { openSessionRpc, warmUp } from '../session/worker-session.js';
import type { Closings } from './closings.js';

interface Spare {
  sessionId: string;
  /** The opened session, or null when it could not be opened (the job then opens its own). */
  opened: Promise<OpenSessionResponse | null>;
}

/**
 * Sessions opened ahead, one per worker, while the worker's current job runs: the next job on that
 * worker starts in one at once instead of waiting for a session to open.
 */
export class SpareSessions {
  private readonly spares = new Map<string, Spare>();

  constructor(
    private readonly o: {
      studyId: string;
      runId: string;
      callDeadlineMs: number;
      logger: Logger;
      closings: Closings;
    },
  ) {}

  /** Session ids a worker may keep (reconciling closes the others). */
  ids(): string[] {
    return [...this.spares.values()].map((s) => s.sessionId);
  }

  open(w: PoolWorker, dataPath: string | undefined): void {
    if (this.spares.has(w.id)) return;
    const sessionId = `${this.o.runId}.spare-${randomBytes(4).toString('hex')}`;
    const log = this.o.logger;
    const opened = openSessionRpc(w, {
      sessionId,
      labels: { 'aira.study': this.o.studyId, 'aira.run': this.o.runId, 'aira.spare': 'yes' },
      dataPath,
      callDeadlineMs: this.o.callDeadlineMs,
    })
      .then(async (res) => {
        // Workers start a session's shell on its first exec: start it now, off the next job's clock.
        await warmUp(w, res.sessionId).catch((err: unknown) =>
          // Harmless: the shell then starts on the job's first exec.
          log.debug({ worker: w.id, session: sessionId, err: errorMessage(err) }, 'warming a spare failed'),
        );
        return res;
      })
      .catch((err: unknown) => {
        // Usually the worker went away; its job goes on elsewhere.
        log.debug(
          { worker: w.id, session: sessionId, err: errorMessage(err) },
          'a spare session could not be opened; the next job opens its own',
        );
        return null;
      });
    this.spares.set(w.id, { sessionId, opened });
  }

  /** The worker's spare session when it opened fine, else undefined (the job opens its own). */
  async take(w: PoolWorker): Promise<OpenSessionResponse | undefined> {
    const spare = this.spares.get(w.id);
    if (!spare) return undefined;
    this.spares.delete(w.id);
    return (await spare.opened) ?? undefined;
  }

  /** Forgets the worker's spare; `close` also closes it on the worker (not when it is unreachable). */
  drop(w: PoolWorker, close: boolean): void {
    const spare = this.spares.get(w.id);
    if (!spare) return;
    this.spares.delete(w.id);
    if (close)
      this.o.closings.add(
        spare.opened.then(
          (res) => res && w.conn.unary('closeSession', { sessionId: res.sessionId, keepWorkspace: false }),
        ),
        { worker: w.id, session: spare.sessionId },
      );
  }
}
