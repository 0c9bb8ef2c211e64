import { spawn, type ChildProcess } from 'node:child_process';

/**
 * THE seam through which every process of a session is started (its stateful bash and Python
 * processes; commands run inside them are their children). The sandbox wraps this one function
 * (bubblewrap, cgroups) and nothing else needs to change.
 *
 * Contract of the returned child, whatever wraps it:
 * - stdio: fd 0 a pipe the daemon writes requests to, fd 1/2 pipes of the user code's stdout and
 *   stderr, fd 3 a pipe that carries one status line per request;
 * - it leads its own process group (detached), so killing the group ends what it started;
 * - `child.pid` is the pid the daemon signals (SIGINT for Python's KeyboardInterrupt) and walks
 *   /proc descendants from.
 */
export interface LaunchSpec {
  /** Which stateful process this is. */
  role: 'bash' | 'python';
  /** argv[0] is the executable (an absolute path). */
  argv: readonly string[];
  cwd: string;
  /** The complete environment (nothing else is inherited from the daemon). */
  env: Readonly<Record<string, string>>;
  session: SessionPaths;
  /** Host files the process must be able to read besides the session folders (the Python driver, the interpreter). */
  readOnlyPaths: readonly string[];
}

export interface SessionPaths {
  id: string;
  root: string;
  dataDir: string;
  workDir: string;
  submissionDir: string;
}

export interface Launched {
  child: ChildProcess;
  /** What protects the host from this process: "none" here; "bubblewrap" when sandboxed. */
  protection: string;
}

export type Launcher = (spec: LaunchSpec) => Launched;

/** Starts a session process directly on the host (no sandbox). */
export const launchSessionProcess: Launcher = (spec) => {
  const [file, ...args] = spec.argv;
  if (!file) throw new Error(`launch ${spec.role}: empty argv`);
  const child = spawn(file, args, {
    cwd: spec.cwd,
    env: { ...spec.env },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  return { child, protection: 'none' };
};
