/**
 * The daemon's states. STARTING until the port is bound; SERVING; DRAINING after SIGTERM (health
 * NOT_SERVING, new sessions and execs refused, running execs given the grace period); STOPPED.
 */
export type WorkerState = 'STARTING' | 'SERVING' | 'DRAINING' | 'STOPPED';

const NEXT: Record<WorkerState, WorkerState[]> = {
  STARTING: ['SERVING', 'STOPPED'],
  SERVING: ['DRAINING'],
  DRAINING: ['STOPPED'],
  STOPPED: [],
};

export class Lifecycle {
  private current: WorkerState = 'STARTING';
  private readonly listeners: Array<(state: WorkerState) => void> = [];

  get state(): WorkerState {
    return this.current;
  }

  /** Moves to `to`; a move the machine does not allow is a bug and throws. */
  to(to: WorkerState): void {
    if (!NEXT[this.current].includes(to)) throw new Error(`worker state ${this.current} cannot become ${to}`);
    this.current = to;
    for (const l of this.listeners) l(to);
  }

  onChange(listener: (state: WorkerState) => void): void {
    this.listeners.push(listener);
  }
}
