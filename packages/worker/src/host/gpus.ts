import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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
 * launcher writes it; a UUID may be shortened), reported under the name the launcher used: never
 * renumbered. nvidia-smi itself ignores CUDA_VISIBLE_DEVICES, hence the filter. Unset: every GPU
 * nvidia-smi lists; empty: none. A GPU named twice is taken once.
 */
export function selectGpus<G extends { index: string; uuid: string }>(
  all: G[],
  cudaVisibleDevices: string | undefined,
): G[] {
  if (cudaVisibleDevices === undefined) return all;
  const wanted = cudaVisibleDevices
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out: G[] = [];
  for (const id of wanted) {
    const gpu = all.find(
      (g) => g.index === id || g.uuid === id || (id.startsWith('GPU-') && g.uuid.startsWith(id)),
    );
    if (gpu && !out.includes(gpu)) out.push(gpu);
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
    const conflict =
      gpuFlag !== undefined && gpuFlag !== fromEnv
        ? `--gpu ${gpuFlag} ignored: CUDA_VISIBLE_DEVICES=${fromEnv} was set by the launcher`
        : undefined;
    return { value: fromEnv, source: 'launcher', conflict };
  }
  if (gpuFlag !== undefined) return { value: gpuFlag, source: 'flag' };
  return { value: undefined, source: 'none' };
}

/** A GPU as the sandbox needs to know it: how CUDA names it and which device node it is. */
export interface GpuDevice {
  /** Index as nvidia-smi numbers it (the value a launcher puts in CUDA_VISIBLE_DEVICES). */
  index: string;
  uuid: string;
  /** Normalised PCI bus id, "0000:17:00.0". */
  busId: string;
  /** Minor number of /dev/nvidiaN, from /proc/driver/nvidia/gpus/<bus>/information. */
  minor: number | null;
}

/** "00000000:17:00.0" (nvidia-smi) and "0000:17:00.0" (procfs) both become "0000:17:00.0". */
export function normaliseBusId(id: string): string {
  const m = /^(?:([0-9a-fA-F]+):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/.exec(id.trim());
  if (!m) return id.trim().toLowerCase();
  const domain = (m[1] ?? '0').slice(-4).padStart(4, '0');
  return `${domain}:${m[2]}:${m[3]}.${m[4]}`.toLowerCase();
}

/** Parses `nvidia-smi --query-gpu=index,uuid,pci.bus_id --format=csv,noheader` output. */
export function parseGpuInventory(csv: string): Omit<GpuDevice, 'minor'>[] {
  const out: Omit<GpuDevice, 'minor'>[] = [];
  for (const line of csv.split('\n')) {
    const cols = line.split(',').map((c) => c.trim());
    if (cols.length < 3 || !/^\d+$/.test(cols[0]!)) continue;
    out.push({ index: cols[0]!, uuid: cols[1]!, busId: normaliseBusId(cols[2]!) });
  }
  return out;
}

/** Parses "Device Minor: 3" from a /proc/driver/nvidia/gpus/<bus>/information file. */
export function parseDeviceMinor(information: string): number | null {
  const m = /^Device Minor:\s*(\d+)/m.exec(information);
  return m ? Number(m[1]) : null;
}

/** Where the driver lists its GPUs (one folder per PCI bus id). */
export const PROC_GPUS = '/proc/driver/nvidia/gpus';

/** The GPUs on this machine (empty without a driver or nvidia-smi). */
export function listGpus(nvidiaSmi = 'nvidia-smi'): GpuDevice[] {
  const r = spawnSync(nvidiaSmi, ['--query-gpu=index,uuid,pci.bus_id', '--format=csv,noheader'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (r.status !== 0 || !r.stdout) return [];
  const minors = new Map<string, number>();
  try {
    for (const bus of readdirSync(PROC_GPUS)) {
      const minor = parseDeviceMinor(readFileSync(join(PROC_GPUS, bus, 'information'), 'utf8'));
      if (minor !== null) minors.set(normaliseBusId(bus), minor);
    }
  } catch {
    /* no procfs entries (not a Linux driver install) */
  }
  return parseGpuInventory(r.stdout).map((g) => ({ ...g, minor: minors.get(g.busId) ?? null }));
}

/**
 * GPU indices a coordinator hands to local daemons: CUDA_VISIBLE_DEVICES as a launcher set it
 * (never renumbered; "-1" means none), else every GPU nvidia-smi lists.
 */
export function detectGpus(env: NodeJS.ProcessEnv = process.env, nvidiaSmi = 'nvidia-smi'): string[] {
  const visible = env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined)
    return visible
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s !== '-1');
  return listGpus(nvidiaSmi).map((g) => g.index);
}
