import { fileURLToPath } from 'node:url';
import { cliWorkerLauncher, type LocalLauncher } from '@aira/coordinator';

/** The `aira` executable this process runs from; the CLI hands it down, no other package looks for it. */
export const AIRA_BIN = fileURLToPath(new URL('../bin/aira.js', import.meta.url));

/** The argv that runs this `aira` on another machine or in a Slurm job (the same node binary and script). */
export function airaCommand(): string[] {
  return [process.execPath, AIRA_BIN];
}

/**
 * The one launcher of local worker daemons (`aira worker`), for runs and ablations alike.
 * `attached`: the daemons stay in this process's group (an ablation array task's cell pool).
 */
export function localWorkerLauncher(
  extraArgs: string[] = [],
  opts: { startTimeoutMs?: number; attached?: boolean } = {},
): LocalLauncher {
  return cliWorkerLauncher(AIRA_BIN, extraArgs, opts.startTimeoutMs, opts.attached);
}
