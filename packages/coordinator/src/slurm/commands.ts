import { execFile } from 'node:child_process';
import { UserError } from '@aira/core';

/**
 * Slurm's client commands (sbatch, squeue, scancel, sacct) as aira uses them. They find the
 * cluster the usual way (slurm.conf, or SLURM_CONF in `env`). A refusal becomes one line that
 * carries Slurm's own words.
 */
export interface SlurmEnv {
  env?: NodeJS.ProcessEnv;
}

interface Output {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

function run(cmd: string, args: string[], o: SlurmEnv, timeoutMs = 60_000): Promise<Output> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { env: o.env ?? process.env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
        if (e && typeof e.code === 'string')
          resolve({
            code: null,
            stdout: '',
            stderr: '',
            error: e.code === 'ENOENT' ? `${cmd} is not on PATH (is this a Slurm login node?)` : e.message,
          });
        else resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Slurm's message on one line: `sbatch: error: ` prefixes dropped, lines joined. */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^(sbatch|squeue|scancel|srun|sacct):\s*(error:\s*)?/i, '').trim())
    .filter((l) => l && !/^Try ".*--help"/.test(l))
    .join('; ');
}

/** Submits a batch script; resolves with the job id. `what` names the job in the error. */
export async function sbatch(
  script: string,
  what: string,
  o: SlurmEnv = {},
  args: string[] = [],
): Promise<string> {
  const r = await run('sbatch', ['--parsable', ...args, script], o);
  if (r.error) throw new UserError(`slurm: cannot submit ${what}: ${r.error}`);
  const id = r.stdout.trim().split(';')[0] ?? '';
  if (r.code !== 0 || !/^\d+$/.test(id)) {
    throw new UserError(
      `slurm: sbatch refused ${what} (${script}): ${oneLine(r.stderr) || oneLine(r.stdout) || `exit ${r.code}`}`,
    );
  }
  return id;
}

/** Cancels jobs (array jobs whole); ids already gone are no error. */
export async function scancel(ids: string[], o: SlurmEnv = {}, signal?: string): Promise<void> {
  if (ids.length === 0) return;
  const r = await run('scancel', [...(signal ? ['--signal', signal] : []), ...ids], o);
  if (r.error) throw new UserError(`slurm: cannot cancel jobs ${ids.join(',')}: ${r.error}`);
}

export interface JobState {
  /** The job id as squeue prints it (`123`, `123_4`, `123_[5-9%2]`). */
  id: string;
  /** The array's (or the job's own) id. */
  jobId: string;
  /** Array task id(s) as squeue prints them, or null. */
  task: string | null;
  state: string;
  reason: string;
  nodes: string;
}

/** Slurm states after which a job runs no more (it may still be requeued by Slurm as a new PENDING). */
export const ENDED_STATES = new Set([
  'BOOT_FAIL',
  'CANCELLED',
  'COMPLETED',
  'DEADLINE',
  'FAILED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'REVOKED',
  'SPECIAL_EXIT',
  'TIMEOUT',
]);

/**
 * What squeue knows of these jobs, ended ones included while the controller keeps them (MinJobAge);
 * a job absent from the answer has ended long enough ago to be forgotten (sacct is asked for its
 * final state where accounting is on).
 */
export async function jobStates(ids: string[], o: SlurmEnv = {}): Promise<JobState[]> {
  if (ids.length === 0) return [];
  const r = await run('squeue', ['-h', '-t', 'all', '-j', ids.join(','), '-o', '%i|%F|%K|%T|%r|%N'], o);
  if (r.error) throw new UserError(`slurm: cannot ask squeue about jobs ${ids.join(',')}: ${r.error}`);
  if (r.code !== 0) throw new UserError(`slurm: squeue failed: ${oneLine(r.stderr) || `exit ${r.code}`}`);
  const out: JobState[] = [];
  for (const line of r.stdout.split('\n')) {
    const [id, jobId, task, state, reason, nodes] = line.trim().split('|');
    if (!id || !jobId || !state) continue;
    out.push({
      id,
      jobId,
      task: task && task !== 'N/A' ? task : null,
      state,
      reason: reason ?? '',
      nodes: nodes ?? '',
    });
  }
  return out;
}

/** The final state sacct recorded, or null where accounting is off or the job is unknown. */
export async function accountedState(id: string, o: SlurmEnv = {}): Promise<string | null> {
  const r = await run('sacct', ['-n', '-P', '-X', '-j', id, '-o', 'State'], o, 20_000);
  if (r.error || r.code !== 0) return null;
  return r.stdout.split('\n')[0]?.trim() || null;
}

/** One line per job for messages: `12 PENDING (Resources)`, `13 RUNNING on node7`. */
export function describeStates(ids: string[], states: JobState[]): string {
  return ids
    .map((id) => {
      const s = states.filter((x) => x.jobId === id);
      if (s.length === 0) return `${id} no longer known to squeue`;
      return s
        .map(
          (x) =>
            `${x.id} ${x.state}${x.reason && x.reason !== 'None' ? ` (${x.reason})` : ''}${x.nodes ? ` on ${x.nodes}` : ''}`,
        )
        .join(', ');
    })
    .join('; ');
}
