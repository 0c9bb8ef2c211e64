import { fileURLToPath } from 'node:url';
import { cliWorkerLauncher, type LocalLauncher } from '@aira/coordinator';

/** The `aira` executable this process runs from; the CLI hands it down, no other package looks for it. */
export const AIRA_BIN = fileURLToPath(new URL('../bin/aira.js', import.meta.url));

/** The one launcher of local worker daemons (`aira worker`), for runs and ablations alike. */
export function localWorkerLauncher(extraArgs: string[] = []): LocalLauncher {
  return cliWorkerLauncher(AIRA_BIN, extraArgs);
}
