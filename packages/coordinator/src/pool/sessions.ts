import type { ListSessionsResponse, SessionSummary, WorkerConnection } from '@aira/protocol';

/** The sessions open on a worker (typed here: the connection's generic response type cannot infer this one). */
export async function listSessions(conn: WorkerConnection, deadlineMs: number): Promise<SessionSummary[]> {
  const res = (await conn.unary('listSessions', {}, { deadlineMs })) as unknown as ListSessionsResponse;
  return res.sessions;
}
