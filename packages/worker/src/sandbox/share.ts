/** Parses a Linux CPU list ("0-3,8,10-11") into sorted unique CPU numbers; throws on bad syntax. */
export function parseCpuList(text: string): number[] {
  const out = new Set<number>();
  const trimmed = text.trim();
  if (!trimmed) return [];
  for (const part of trimmed.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new Error(`bad CPU list ${JSON.stringify(text)}: "${part}" is not N or N-M`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new Error(`bad CPU list ${JSON.stringify(text)}: range "${part}" runs backwards`);
    for (let i = a; i <= b; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}

/** Formats CPU numbers as a compact list ("0-3,8"). */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export interface ShareInput {
  /** GPUs on the node (workers are one per GPU). 0 or 1: the worker gets the whole node. */
  gpus: number;
  /** CPUs this process may use: a count (0..n-1) or the allowed list. */
  cpus: number | readonly number[];
  /** Node memory in bytes. */
  memory: number;
  /** This worker's position among the node's workers (0-based; usually the GPU's position). */
  workerIndex: number;
}

export interface Share {
  /** CPU list for the worker's sessions, e.g. "12-23". */
  cpuset: string;
  cpus: number;
  memoryBytes: number;
}

/** Memory kept back from the workers' shares for the OS, the daemons and the page cache. */
export const MEMORY_RESERVE_FRACTION = 0.05;

/**
 * The even share of a node's CPUs and memory a worker gets when the node has several GPUs (the
 * paper gives each GPU 12 cores and 120 GB: docs/paper.md §Workers). CPUs are split into contiguous
 * blocks so a worker's cores stay together; leftovers go to the first workers.
 */
export function defaultShare({ gpus, cpus, memory, workerIndex }: ShareInput): Share {
  const list =
    typeof cpus === 'number' ? Array.from({ length: cpus }, (_, i) => i) : [...cpus].sort((a, b) => a - b);
  if (list.length === 0) throw new Error('defaultShare: no CPUs');
  const workers = Math.max(1, Math.floor(gpus));
  if (!Number.isInteger(workerIndex) || workerIndex < 0 || workerIndex >= workers) {
    throw new Error(`defaultShare: worker index ${workerIndex} is outside 0..${workers - 1}`);
  }
  const usable = Math.floor(memory * (1 - MEMORY_RESERVE_FRACTION));
  if (workers === 1) return { cpuset: formatCpuList(list), cpus: list.length, memoryBytes: usable };
  // With fewer CPUs than workers, workers share CPUs round-robin rather than get none.
  if (list.length < workers) {
    const cpu = list[workerIndex % list.length]!;
    return { cpuset: `${cpu}`, cpus: 1, memoryBytes: Math.floor(usable / workers) };
  }
  const base = Math.floor(list.length / workers);
  const extra = list.length % workers;
  const start = workerIndex * base + Math.min(workerIndex, extra);
  const count = base + (workerIndex < extra ? 1 : 0);
  const mine = list.slice(start, start + count);
  return { cpuset: formatCpuList(mine), cpus: mine.length, memoryBytes: Math.floor(usable / workers) };
}

/** "512 MiB", "1.5 GiB": how limits are named in reasons. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}
