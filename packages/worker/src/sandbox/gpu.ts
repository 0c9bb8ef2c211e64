import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { normaliseBusId, PROC_GPUS, type GpuDevice } from '../host/gpus.js';
import type { Bind } from './bubblewrap.js';

/** Device nodes every CUDA process needs besides its GPUs' own. */
const SHARED_NODES = ['/dev/nvidiactl', '/dev/nvidia-uvm', '/dev/nvidia-uvm-tools', '/dev/nvidia-modeset'];

export interface GpuExposure {
  binds: Bind[];
  /** Masks /proc/driver/nvidia/gpus so NVML (nvidia-smi) lists only the exposed GPUs. */
  procMasks: { mask: string; allow: string[] }[];
  /** Environment for candidate code inside the sandbox: the exposed GPUs by UUID. */
  env: Record<string, string>;
}

/**
 * What a sandbox needs to use exactly these GPUs: their device nodes (not the other GPUs'), the
 * shared control nodes, the driver's libraries where they live outside /usr, the persistenced
 * socket. Inside, CUDA sees only these devices and numbers them from 0 (as Slurm's device
 * cgroups do with ConstrainDevices=yes), so CUDA_VISIBLE_DEVICES is set to their UUIDs, which
 * mean the same thing inside and out.
 */
export function gpuExposure(gpus: GpuDevice[], extraLibDirs: string[] = driverLibDirs()): GpuExposure {
  if (gpus.length === 0) return { binds: [], procMasks: [], env: {} };
  const binds: Bind[] = [];
  for (const node of SHARED_NODES) binds.push({ src: node, mode: 'dev', optional: true });
  if (existsSync('/dev/nvidia-caps')) binds.push({ src: '/dev/nvidia-caps', mode: 'dev', optional: true });
  for (const g of gpus)
    if (g.minor !== null) binds.push({ src: `/dev/nvidia${g.minor}`, mode: 'dev', optional: true });
  for (const dir of extraLibDirs) binds.push({ src: dir, mode: 'ro', optional: true });
  binds.push({ src: '/run/nvidia-persistenced', mode: 'ro', optional: true });
  const procMasks = existsSync(PROC_GPUS)
    ? [{ mask: PROC_GPUS, allow: gpus.map((g) => join(PROC_GPUS, procBusName(g.busId))) }]
    : [];
  return {
    binds,
    procMasks,
    env: {
      CUDA_VISIBLE_DEVICES: gpus.map((g) => g.uuid).join(','),
      AIRA_GPU_INDEX: gpus.map((g) => g.index).join(','),
      CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
    },
  };
}

function procBusName(busId: string): string {
  try {
    return readdirSync(PROC_GPUS).find((b) => normaliseBusId(b) === busId) ?? busId;
  } catch {
    return busId;
  }
}

/** Folders outside /usr holding libcuda / libnvidia-ml (container toolkits put them elsewhere). */
export function driverLibDirs(): string[] {
  const r = spawnSync('ldconfig', ['-p'], { encoding: 'utf8', timeout: 10_000 });
  const dirs = new Set<string>();
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /(libcuda\.so|libnvidia-ml\.so)\S*\s.*=>\s*(\S+)/.exec(line);
    if (m && !m[2]!.startsWith('/usr/')) dirs.add(dirname(m[2]!));
  }
  for (const d of ['/usr/local/nvidia/lib64', '/usr/local/nvidia/lib']) if (existsSync(d)) dirs.add(d);
  return [...dirs].filter((d) => !d.startsWith('/usr/'));
}
