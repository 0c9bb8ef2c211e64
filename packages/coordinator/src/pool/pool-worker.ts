import type { DescribeResponse, WorkerConnection } from '@aira/protocol';
import type { WorkerInfo } from '../journal/events.js';

export type WorkerSource = 'local' | 'hosts' | 'registered';

/** joining: being reconciled; idle: free for a job; busy: a job holds it; lost: stopped answering (lease expired); closed: removed. */
export type WorkerState = 'joining' | 'idle' | 'busy' | 'lost' | 'closed';

/** One worker daemon as the pool sees it: one slot (one GPU or one CPU slot). */
export interface PoolWorker {
  readonly id: string;
  address: string;
  readonly source: WorkerSource;
  conn: WorkerConnection;
  info: DescribeResponse;
  state: WorkerState;
  /** Unix ms of the last successful call. */
  lastOkAt: number;
  /** Unix ms the worker became idle (dispatch latency is measured from here). */
  idleSince: number;
  /** Local daemons the pool started, with how to stop them. */
  local?: { pid: number; stop: () => Promise<void> };
  /** Liveness probe (grpc.health.v1 over the worker's channel). */
  probe: (deadlineMs: number) => Promise<boolean>;
  /** The id of the worker this one replaced (its process had ended). */
  replaces?: string;
  /** Set once the worker answers UNIMPLEMENTED for file transfer: sessions then move files through the shell. */
  noFileService?: boolean;
}

/** The worker inventory line written to the journal and the run manifest. */
export function workerInfo(w: PoolWorker): WorkerInfo {
  const i = w.info;
  return {
    address: w.address,
    source: w.source,
    hostname: i.hostname,
    pid: i.pid,
    cpus: i.cpus,
    gpus: i.gpus.map((g) => ({ index: g.index, name: g.name, memoryTotalBytes: g.memoryTotalBytes })),
    cudaVisibleDevices: i.cudaVisibleDevices,
    python: i.python
      ? {
          executable: i.python.executable,
          version: i.python.version,
          runner: i.python.runner,
          packages: Object.keys(i.python.packages ?? {}).length,
        }
      : undefined,
    sandbox: i.sandbox?.mechanism,
    version: i.version,
  };
}
