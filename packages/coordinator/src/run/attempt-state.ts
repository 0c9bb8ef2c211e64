/**
 * The phases of one attempt of a job on one worker, as this coordinator runs it:
 * - starting: journaled (`attempt.started` or `attempt.adopted`), its session being opened;
 * - running: the agent works in the session;
 * - submitted: the agent returned (a submission, or an agent error recorded as a failed one); the
 *   worker slot is free and the candidate is being evaluated;
 * - cancelled: ended on purpose (budget, stop); the job is not re-run in this run;
 * - abandoned: it can never finish here (worker lost, infrastructure error); the job is re-run.
 *   It may still run in the background: whatever it reports from then on is fenced.
 */
export type AttemptPhase = 'starting' | 'running' | 'submitted' | 'cancelled' | 'abandoned';

const NEXT: Record<AttemptPhase, AttemptPhase[]> = {
  starting: ['running', 'submitted', 'cancelled', 'abandoned'],
  running: ['submitted', 'cancelled', 'abandoned'],
  submitted: [],
  cancelled: [],
  abandoned: [],
};

export class AttemptLifecycle {
  private current: AttemptPhase = 'starting';

  /** `what` names the attempt in errors ("j0003 attempt 2"). */
  constructor(private readonly what: string) {}

  get phase(): AttemptPhase {
    return this.current;
  }

  /** Whether its reports still count: anything but abandoned (an abandoned attempt's are fenced). */
  get counts(): boolean {
    return this.current !== 'abandoned';
  }

  /** Whether it still holds its worker slot and may be abandoned or cancelled. */
  get active(): boolean {
    return this.current === 'starting' || this.current === 'running';
  }

  /** Moves to `to`; a move the table does not allow is a bug and throws. */
  to(to: AttemptPhase): void {
    if (!NEXT[this.current].includes(to))
      throw new Error(`attempt ${this.what}: ${this.current} cannot become ${to}`);
    this.current = to;
  }
}
