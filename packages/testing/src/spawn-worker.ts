import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readTokenFile } from '@aira/protocol';
import { airaBin, assertBuilt } from './aira-bin.js';

/** The daemon's first stdout line (the worker's ListeningLine, as documented in its README). */
interface ListeningLine {
  event: 'listening';
  address: string;
  worker_id: string;
  token_file: string;
  workdir: string;
}

export interface SpawnWorkerOptions {
  /** Flags after `aira worker` (e.g. ['--workdir', dir]); `--listen 127.0.0.1:0` unless given. */
  args?: string[];
  /** The command that runs `aira worker` (default: this node, airaBin(), "worker");
   * e.g. ['srun', '--gpus=1', 'node', '/path/aira.js', 'worker'] on a cluster. */
  command?: string[];
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the listening line. */
  timeoutMs?: number;
  /** Where the daemon's stderr (its log) goes: 'inherit' or 'ignore' (default 'pipe', kept for errors). */
  stderr?: 'inherit' | 'ignore' | 'pipe';
}

export interface SpawnedWorker {
  address: string;
  token: string;
  tokenFile: string;
  workerId: string;
  workdir: string;
  process: ChildProcess;
  /** SIGTERM (drain), then SIGKILL after `timeoutMs`; resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/**
 * Test support, not a launcher for runs (the coordinator's `cliWorkerLauncher` is that): starts
 * `aira worker` as a child process and waits for its first stdout line
 * (`{"event":"listening",...}`). Requires the build (`npx tsc -b tsconfig.json`).
 */
export async function spawnWorkerProcess(options: SpawnWorkerOptions = {}): Promise<SpawnedWorker> {
  if (!options.command) assertBuilt();
  const args = options.args ?? [];
  const [file, ...prefix] = options.command ?? [process.execPath, airaBin(), 'worker'];
  const argv = [...prefix, ...(args.includes('--listen') ? [] : ['--listen', '127.0.0.1:0']), ...args];
  const child = spawn(file!, argv, {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (t: string) => {
    stderr = (stderr + t).slice(-8_000);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker gave no listening line within ${options.timeoutMs ?? 30_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    rl.once('line', (l) => {
      clearTimeout(timer);
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before listening: ${stderr.trim()}`));
    });
  });
  // Keep draining stdout so the daemon never blocks on a full pipe.
  child.stdout?.resume();
  const info = JSON.parse(line) as ListeningLine;
  if (info.event !== 'listening') throw new Error(`unexpected first line from worker: ${line}`);
  return {
    address: info.address,
    token: readTokenFile(info.token_file),
    tokenFile: info.token_file,
    workerId: info.worker_id,
    workdir: info.workdir,
    process: child,
    async stop(timeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
