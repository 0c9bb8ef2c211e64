import { errorMessage, type Logger } from '@aira/core';
import type { PoolWorker } from '../pool/pool-worker.js';
import { listSessions } from '../pool/sessions.js';

/**
 * Before a worker (new, or back from lost) takes work: sessions of this study it holds that no
 * live attempt or spare owns are closed; those of abandoned attempts that still run in the
 * background get their execs cancelled (their report will come and be fenced; cancelling frees
 * the GPU now). A worker that does not answer keeps them: the pool probes it again.
 */
export async function reconcileWorker(
  w: PoolWorker,
  o: {
    studyId: string;
    callDeadlineMs: number;
    logger: Logger;
    /** Sessions of live attempts, spares and attempts still to adopt. */
    keep: () => Set<string>;
    /** Sessions of abandoned attempts whose flow still runs. */
    abandoned: () => Set<string>;
  },
): Promise<void> {
  const sessions = await listSessions(w.conn, o.callDeadlineMs);
  for (const s of sessions) {
    if (s.labels['aira.study'] !== o.studyId) continue;
    if (o.keep().has(s.sessionId)) continue;
    if (o.abandoned().has(s.sessionId)) {
      for (const execId of s.runningExecIds)
        await w.conn
          .unary('cancel', { execId, reason: 'attempt abandoned' })
          .catch((err: unknown) =>
            o.logger.warn(
              { worker: w.id, session: s.sessionId, exec: execId, err: errorMessage(err) },
              "could not cancel an abandoned attempt's exec",
            ),
          );
      continue;
    }
    await w.conn
      .unary('closeSession', { sessionId: s.sessionId, keepWorkspace: false })
      .catch((err: unknown) =>
        o.logger.warn(
          { worker: w.id, session: s.sessionId, err: errorMessage(err) },
          'could not close a session left on the worker',
        ),
      );
  }
}
