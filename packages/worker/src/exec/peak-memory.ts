import { clearPeak, descendantsOf, listProcesses, readMemory } from '../host/proc.js';

/**
 * Peak memory of one exec without cgroups: the stateful process's VmHWM (reset at the start with
 * clear_refs, so it covers only this exec), and every `intervalMs` the summed RSS of the process
 * and its descendants plus each descendant's own VmHWM. A child that lives and dies between two
 * samples is missed; the sandbox's cgroup gives the exact figure where available.
 */
export class PeakMemory {
  private peak = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly rootPid: number,
    private readonly intervalMs = 500,
  ) {
    clearPeak(rootPid);
  }

  start(): this {
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Takes a last sample and returns the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  private sample(): void {
    const root = readMemory(this.rootPid);
    let sum = root?.rssBytes ?? 0;
    let top = root?.hwmBytes ?? 0;
    for (const pid of descendantsOf(this.rootPid, listProcesses())) {
      const m = readMemory(pid);
      if (!m) continue;
      sum += m.rssBytes;
      top = Math.max(top, m.hwmBytes);
    }
    this.peak = Math.max(this.peak, sum, top);
  }
}
