import { clearPeak, descendantsOf, processTable, readMemory } from '../host/proc.js';

/** When the process tree is sampled after the start: early, so short children are seen, then steadily. */
const FIRST_SAMPLES_MS = [50, 200];
const INTERVAL_MS = 500;

/**
 * Peak memory of one exec without cgroups: the stateful process's VmHWM (reset at the start with
 * clear_refs, so it covers only this exec), and at each sample the summed RSS of the process and
 * its descendants plus each descendant's own VmHWM. A child that lives and dies between two
 * samples is missed; the sandbox's cgroup gives the exact figure where available. The last
 * reading is of the process alone: what runs in the tree when an exec ends is background work,
 * and an exec of `true` should not cost a scan of /proc.
 */
export class PeakMemory {
  private peak = 0;
  private timer?: NodeJS.Timeout;
  private step = 0;

  constructor(private readonly rootPid: number) {
    clearPeak(rootPid);
  }

  start(): this {
    this.schedule();
    return this;
  }

  /** Returns the peak in bytes. */
  stop(): number {
    clearTimeout(this.timer);
    this.timer = undefined;
    const root = readMemory(this.rootPid);
    if (root) this.peak = Math.max(this.peak, root.hwmBytes);
    return this.peak;
  }

  private schedule(): void {
    const delay =
      this.step < FIRST_SAMPLES_MS.length
        ? FIRST_SAMPLES_MS[this.step]! - (FIRST_SAMPLES_MS[this.step - 1] ?? 0)
        : INTERVAL_MS;
    this.step++;
    this.timer = setTimeout(() => {
      this.sample();
      this.schedule();
    }, delay);
    this.timer.unref();
  }

  private sample(): void {
    const root = readMemory(this.rootPid);
    let sum = root?.rssBytes ?? 0;
    let top = root?.hwmBytes ?? 0;
    for (const pid of descendantsOf(this.rootPid, processTable())) {
      const m = readMemory(pid);
      if (!m) continue;
      sum += m.rssBytes;
      top = Math.max(top, m.hwmBytes);
    }
    this.peak = Math.max(this.peak, sum, top);
  }
}
