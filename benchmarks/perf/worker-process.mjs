// One real `aira worker` daemon for a benchmark, started by the coordinator's own local launcher
// (the built CLI, a token file, a workdir of its own), and a connection to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Runs `fn({ connection, address, token, workdir, protocol, worker })`, then stops the daemon and removes its folder. */
export async function withWorkerProcess(root, fn, { args = ['--log-level', 'warn'] } = {}) {
  const mod = (p) => import(pathToFileURL(join(root, p)).href);
  const coord = await mod('packages/coordinator/dist/index.js');
  const protocol = await mod('packages/protocol/dist/index.js');
  const tmp = mkdtempSync(join(tmpdir(), 'aira-bench-worker-'));
  try {
    const tokenFile = join(tmp, 'token');
    const token = protocol.ensureTokenFile(tokenFile);
    const launch = coord.cliWorkerLauncher(join(root, 'packages/cli/bin/aira.js'), args);
    const workdir = join(tmp, 'worker');
    const w = await launch({ index: 0, tokenFile, workdir, logFile: join(tmp, 'worker.log') });
    const { connection } = await protocol.WorkerConnection.connect({ address: w.address, token });
    try {
      return await fn({ connection, address: w.address, token, workdir, protocol });
    } finally {
      connection.close();
      await w.stop();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
