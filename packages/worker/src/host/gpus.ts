import { execFile } from 'node:child_process';
import type { Gpu } from '@aira/protocol';

/** The query Describe and WatchUtilization run (memory in MiB, power in W: `nounits`). */
export const NVIDIA_SMI_ARGS = [
  '--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu,temperature.gpu,power.draw',
  '--format=csv,noheader,nounits',
];

const MIB = 1024 * 1024;

/**
 * Parses `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu,
 * temperature.gpu,power.draw --format=csv,noheader,nounits`. Fields nvidia-smi cannot read come
 * as `[N/A]`, `[Not Supported]` or `[Unknown Error]`: they read as 0. A name could hold a comma,
 * so the first two and the last five fields are taken by position and the rest is the name.
 * Malformed lines are skipped (their text goes to `errors`).
 */
export function parseNvidiaSmi(text: string): { gpus: Gpu[]; errors: string[] } {
  const gpus: Gpu[] = [];
  const errors: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const f = line.split(',').map((s) => s.trim());
    if (f.length < 8 || !/^\d+$/.test(f[0]!)) {
      errors.push(line);
      continue;
    }
    const tail = f.slice(-5);
    gpus.push({
      index: f[0]!,
      uuid: f[1]!,
      name: f.slice(2, f.length - 5).join(', '),
      memoryTotalBytes: Math.round(num(tail[0]) * MIB),
      memoryUsedBytes: Math.round(num(tail[1]) * MIB),
      utilizationPercent: num(tail[2]),
      temperatureCelsius: num(tail[3]),
      powerWatts: num(tail[4]),
    });
  }
  return { gpus, errors };
}

function num(field: string | undefined): number {
  if (!field || field.startsWith('[')) return 0;
  const n = Number(field);
  return Number.isFinite(n) ? n : 0;
}

/**
 * The GPUs this worker owns: those named in CUDA_VISIBLE_DEVICES (by index or by UUID, as a
 * launcher writes it), reported under the name the launcher used: never renumbered. nvidia-smi
 * itself ignores CUDA_VISIBLE_DEVICES, hence the filter. Unset: every GPU nvidia-smi lists.
 */
export function selectGpus(all: Gpu[], cudaVisibleDevices: string | undefined): Gpu[] {
  if (cudaVisibleDevices === undefined) return all;
  const wanted = cudaVisibleDevices.split(',').map((s) => s.trim()).filter(Boolean);
  const out: Gpu[] = [];
  for (const id of wanted) {
    const gpu = all.find((g) => g.index === id || g.uuid === id || (id.startsWith('GPU-') && g.uuid.startsWith(id)));
    if (gpu) out.push(gpu);
  }
  return out;
}

/** Runs nvidia-smi; undefined when it is missing or fails (a machine without GPUs). */
export function queryNvidiaSmi(binary = 'nvidia-smi', timeoutMs = 5_000): Promise<Gpu[] | undefined> {
  return new Promise((resolve) => {
    execFile(binary, NVIDIA_SMI_ARGS, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => {
      if (err) return resolve(undefined);
      resolve(parseNvidiaSmi(stdout).gpus);
    });
  });
}

/**
 * CUDA_VISIBLE_DEVICES for the worker's sessions: a launcher's value (Slurm, Kubernetes) wins
 * and is kept as written (an empty value means no GPU); else --gpu; else unset.
 */
export function resolveCudaVisibleDevices(
  env: NodeJS.ProcessEnv,
  gpuFlag: string | undefined,
): { value: string | undefined; source: 'launcher' | 'flag' | 'none'; conflict?: string } {
  const fromEnv = env.CUDA_VISIBLE_DEVICES;
  if (fromEnv !== undefined) {
    const conflict = gpuFlag !== undefined && gpuFlag !== fromEnv ? `--gpu ${gpuFlag} ignored: CUDA_VISIBLE_DEVICES=${fromEnv} was set by the launcher` : undefined;
    return { value: fromEnv, source: 'launcher', conflict };
  }
  if (gpuFlag !== undefined) return { value: gpuFlag, source: 'flag' };
  return { value: undefined, source: 'none' };
}
