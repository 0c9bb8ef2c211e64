import { z } from 'zod';
import { parseWith, zDuration } from '@aira/core';

/** Ids that become file names and shell words: letters, digits and . _ : - only. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** "2GiB", "500MB", "64k", 1048576 → bytes. */
export function parseBytes(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`not a size: "${text}" (use e.g. 2GiB, 500MB, 65536)`);
  return Math.round(Number(m[1]) * unit);
}

const zBytes = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  try {
    const n = parseBytes(value);
    if (n <= 0) throw new Error(`size must be positive: "${value}"`);
    return n;
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** host:port with a numeric port (0: any free port). IPv6 hosts in brackets. */
const zListen = z
  .string()
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/,
    'expected HOST:PORT, e.g. 127.0.0.1:0 or 0.0.0.0:50051',
  )
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port must be 0..65535');

/** Everything `aira worker` can be told; the same object configures a WorkerDaemon in-process. */
export const WorkerOptionsSchema = z.strictObject({
  /** CUDA_VISIBLE_DEVICES for the sessions when no launcher set it: an index, a UUID or a list. */
  gpu: z
    .string()
    .regex(/^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$/, 'expected a GPU index or UUID (or a comma list)')
    .optional(),
  listen: zListen.default('127.0.0.1:0'),
  /** Shared token; made (0600) under the workdir when absent. */
  tokenFile: z.string().min(1).optional(),
  /** Sessions, exec logs and the generated token live here; default: a fresh folder under the temp dir. */
  workdir: z.string().min(1).optional(),
  /** The candidate Python: an interpreter or a virtualenv's python. */
  python: z.string().min(1).default('/usr/bin/python3'),
  /** How long SIGTERM lets running execs finish before they are killed. */
  grace: zDuration.default(30_000),
  /** NDJSON log file (all levels). */
  logFile: z.string().min(1).optional(),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  id: z.string().regex(ID_PATTERN, 'letters, digits and . _ : - only').optional(),
  /** Cap of each exec's on-disk output log; past it output is dropped and marked truncated. */
  maxExecLog: zBytes.default(2 * 1024 ** 3),
  /** Default per-exec timeout (0: none); a request's limits.wall_ms overrides it. */
  execTimeout: zDuration.default(0),
  /** Time between SIGTERM and SIGKILL when an exec is cancelled. */
  cancelGrace: zDuration.default(2_000),
  /** Free-form labels reported by Describe (e.g. SLURM_JOB_ID=123). */
  labels: z.record(z.string(), z.string()).default({}),
  /** bubblewrap for candidate code: auto (when it works here, else a loud warning), required, off. */
  sandbox: z.enum(['auto', 'required', 'off']).default('auto'),
  /** Candidate code in an Apptainer image instead of bubblewrap: apptainer:IMAGE. */
  container: z
    .string()
    .regex(/^(apptainer|singularity):.+$/, 'expected apptainer:IMAGE')
    .optional(),
  /** CPUs of the sessions (a CPU list); default: the worker's even share on a node with several GPUs. */
  cpus: z
    .string()
    .regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'expected a CPU list such as 0-11 or 0-5,12-17')
    .optional(),
  /** Memory of each session; default: the worker's even share on a node with several GPUs. */
  memory: zBytes.optional(),
  /** Processes (tasks, threads included) of each session; 0: none. */
  maxProcesses: z.coerce.number().int().min(0).default(8192),
  /** false: no cgroups even where writable (limits are then polled from /proc). */
  cgroups: z.boolean().default(true),
  /** Host paths candidate code must never see besides the workdir (coordinator run folders, private answers). */
  protect: z.array(z.string().min(1)).default([]),
});

export type WorkerOptionsInput = z.input<typeof WorkerOptionsSchema>;
export type WorkerOptions = z.output<typeof WorkerOptionsSchema>;

export function parseWorkerOptions(input: unknown, source = 'worker options'): WorkerOptions {
  return parseWith(WorkerOptionsSchema, input, source);
}

/** Splits HOST:PORT (brackets removed from an IPv6 host). */
export function splitListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(':');
  return { host: listen.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(listen.slice(at + 1)) };
}
