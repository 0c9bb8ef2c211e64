import { availableParallelism, hostname } from 'node:os';
import { AIRA_VERSION } from '@aira/core';
import type { DescribeResponse, Gpu, PythonEnvironment, SandboxInfo } from '@aira/protocol';
import { queryNvidiaSmi, selectGpus } from './gpus.js';
import { readMemInfo } from './utilization.js';
import type { Session } from '../session/session.js';
import type { ExecRun } from '../exec/exec-run.js';
import type { WorkerState } from '../lifecycle.js';

const GPU_CACHE_MS = 500;

/** Facts about the host that are slow to learn: probed once (Python) or on demand (GPUs). */
export interface HostProbe {
  readonly cudaVisibleDevices: string | undefined;
  readonly startedUnixMs: number;
  readonly labels: Record<string, string>;
  readonly sandbox: SandboxInfo;
  /** The worker's GPUs now (empty without nvidia-smi). */
  gpus(): Promise<Gpu[]>;
  python(): Promise<PythonEnvironment>;
}

export function createHostProbe(opts: {
  cudaVisibleDevices: string | undefined;
  labels: Record<string, string>;
  python: Promise<PythonEnvironment>;
  sandbox: SandboxInfo;
  nvidiaSmi?: string;
}): HostProbe {
  let smiPresent: boolean | undefined;
  // nvidia-smi takes tens to hundreds of ms: callers within GPU_CACHE_MS share one answer.
  let cached: { at: number; gpus: Promise<Gpu[]> } | undefined;
  const query = async (): Promise<Gpu[]> => {
    const all = await queryNvidiaSmi(opts.nvidiaSmi);
    if (all === undefined) {
      // Missing on this machine: asked once only. A failing run on a GPU machine is retried next time.
      if (smiPresent === undefined) smiPresent = false;
      return [];
    }
    smiPresent = true;
    return selectGpus(all, opts.cudaVisibleDevices);
  };
  return {
    cudaVisibleDevices: opts.cudaVisibleDevices,
    startedUnixMs: Date.now(),
    labels: opts.labels,
    sandbox: opts.sandbox,
    gpus() {
      if (smiPresent === false) return Promise.resolve([]);
      const now = Date.now();
      if (!cached || now - cached.at > GPU_CACHE_MS) cached = { at: now, gpus: query() };
      return cached.gpus;
    },
    python: () => opts.python,
  };
}

export async function describeWorker(core: {
  id: string;
  state: WorkerState;
  host: HostProbe;
  sessions: ReadonlyMap<string, Session>;
  execs: ReadonlyMap<string, ExecRun>;
  /** Present when the file service writes ExecRequest.files (the "exec.files" feature). */
  writeInline?: unknown;
}): Promise<DescribeResponse> {
  const [gpus, python] = await Promise.all([core.host.gpus(), core.host.python()]);
  return {
    workerId: core.id,
    version: AIRA_VERSION,
    hostname: hostname(),
    pid: process.pid,
    cudaVisibleDevices: core.host.cudaVisibleDevices ?? '',
    gpus,
    cpus: availableParallelism(),
    memoryTotalBytes: readMemInfo().totalBytes,
    sandbox: core.host.sandbox,
    python,
    running: [...core.execs.values()]
      .filter((e) => e.state === 'running')
      .map((e) => ({
        execId: e.id,
        sessionId: e.sessionId,
        kind: e.kind,
        startedUnixMs: e.startedUnixMs,
        label: e.label,
      })),
    openSessions: core.sessions.size,
    startedUnixMs: core.host.startedUnixMs,
    state: core.state,
    labels: core.host.labels,
    features: [...(core.writeInline ? ['exec.files'] : []), 'session.start'],
  };
}
