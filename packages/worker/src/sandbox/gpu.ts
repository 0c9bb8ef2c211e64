import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Bind } from './bubblewrap.js';

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

const PROC_GPUS = '/proc/driver/nvidia/gpus';

/** The GPUs on this machine (empty without a driver or nvidia-smi). */
export function listGpus(nvidiaSmi = 'nvidia-smi'): GpuDevice[] {
  const r = spawnSync(nvidiaSmi, ['--query-gpu=index,uuid,pci.bus_id', '--format=csv,noheader'], { encoding: 'utf8', timeout: 20_000 });
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
 * Picks the worker's GPUs from CUDA_VISIBLE_DEVICES (indices or UUIDs, as launchers write it);
 * an unset variable means every GPU, an empty one none.
 */
export function selectGpus(all: GpuDevice[], cudaVisibleDevices: string | undefined): GpuDevice[] {
  if (cudaVisibleDevices === undefined) return all;
  const wanted = cudaVisibleDevices.split(',').map((s) => s.trim()).filter(Boolean);
  const out: GpuDevice[] = [];
  for (const w of wanted) {
    const g = all.find((x) => x.index === w || x.uuid === w || (w.startsWith('GPU-') && x.uuid.startsWith(w)));
    if (g && !out.includes(g)) out.push(g);
  }
  return out;
}

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
 * cgroups do: reference/ecosystem.md §4a), so CUDA_VISIBLE_DEVICES is set to their UUIDs, which
 * mean the same thing inside and out.
 */
export function gpuExposure(gpus: GpuDevice[], extraLibDirs: string[] = driverLibDirs()): GpuExposure {
  if (gpus.length === 0) return { binds: [], procMasks: [], env: {} };
  const binds: Bind[] = [];
  for (const node of SHARED_NODES) binds.push({ src: node, mode: 'dev', optional: true });
  if (existsSync('/dev/nvidia-caps')) binds.push({ src: '/dev/nvidia-caps', mode: 'dev', optional: true });
  for (const g of gpus) if (g.minor !== null) binds.push({ src: `/dev/nvidia${g.minor}`, mode: 'dev', optional: true });
  for (const dir of extraLibDirs) binds.push({ src: dir, mode: 'ro', optional: true });
  binds.push({ src: '/run/nvidia-persistenced', mode: 'ro', optional: true });
  const procMasks = existsSync(PROC_GPUS) ? [{ mask: PROC_GPUS, allow: gpus.map((g) => join(PROC_GPUS, procBusName(g.busId))) }] : [];
  return {
    binds,
    procMasks,
    env: { CUDA_VISIBLE_DEVICES: gpus.map((g) => g.uuid).join(','), AIRA_GPU_INDEX: gpus.map((g) => g.index).join(','), CUDA_DEVICE_ORDER: 'PCI_BUS_ID' },
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
