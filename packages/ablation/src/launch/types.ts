/** What a cell needs to know to run: where its workers are. */
export interface CellWorkers {
  /** RunConfig workers.spec for the cell (e.g. `hosts:<cell>/hosts`). */
  spec: string[];
  /** The token those workers accept. */
  tokenFile: string;
}

/** Workers lent to one cell until it ends. */
export interface Lease {
  workers: CellWorkers;
  /** Gives the workers back to the launcher (idempotent). */
  release(): void;
}

/**
 * Where cells' workers come from. The runner asks for a lease per cell, in launch order; a
 * launcher hands out workers as they free up, so cells run side by side when they fit.
 */
export interface Launcher {
  readonly kind: string;
  /** Most workers lent at once; a cell asking for more cannot run on this launcher. */
  readonly capacity: number;
  start(): Promise<void>;
  /** Workers free now and promised to no waiting cell. */
  available(): number;
  /** Resolves once `n` workers are free for the cell whose folder is `cellDir`. */
  acquire(n: number, cellDir: string): Promise<Lease>;
  /** Stops whatever the launcher started. */
  close(): Promise<void>;
}
