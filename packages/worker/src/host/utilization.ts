import { readFileSync } from 'node:fs';

/** Whole-machine CPU busy percentage between two reads of /proc/stat. */
export class CpuMeter {
  private last = readCpuTimes();

  /** Busy % since the previous call (or since construction). */
  sample(): number {
    const now = readCpuTimes();
    const total = now.total - this.last.total;
    const idle = now.idle - this.last.idle;
    this.last = now;
    return total > 0 ? Math.max(0, Math.min(100, (100 * (total - idle)) / total)) : 0;
  }
}

function readCpuTimes(): { total: number; idle: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is in user already)
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    return { total, idle: (v[3] ?? 0) + (v[4] ?? 0) };
  } catch {
    return { total: 0, idle: 0 };
  }
}

/** MemTotal and MemTotal − MemAvailable from /proc/meminfo, in bytes. */
export function readMemInfo(): { totalBytes: number; usedBytes: number } {
  try {
    const text = readFileSync('/proc/meminfo', 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
      return m ? Number(m[1]) * 1024 : 0;
    };
    const total = kb('MemTotal');
    const available = kb('MemAvailable');
    return { totalBytes: total, usedBytes: Math.max(0, total - available) };
  } catch {
    return { totalBytes: 0, usedBytes: 0 };
  }
}
