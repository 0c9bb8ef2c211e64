import { constants } from 'node:os';
import type { Command } from 'commander';
import { ConfigError, newId, parseDuration, UserError } from '@aira/core';
import { shellQuote } from '@aira/coordinator';
import {
  describeRpcError,
  ExecKind,
  OutputStream,
  readTokenFile,
  WorkerConnection,
  type ExecFinished,
  type ExecResponse,
} from '@aira/protocol';

interface ExecFlags {
  worker: string;
  tokenFile?: string;
  python?: boolean;
  timeout?: string;
  connectTimeout: string;
}

/** Stream failures after which the output is picked up again with Attach from the last seq
 * (gRPC codes CANCELLED 1, UNKNOWN 2, INTERNAL 13, UNAVAILABLE 14). */
const REATTACH = new Set([1, 2, 13, 14]);

/** The part of a gRPC client stream this command uses. */
interface EventStream {
  on(event: 'data', listener: (res: ExecResponse) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

export function register(program: Command): void {
  program
    .command('exec')
    .description(
      'Run one command (or Python code with --python) in a new session on a worker; streams its output and exits with its exit code',
    )
    .requiredOption('--worker <host:port>', 'worker address (its listening line says it)')
    .option('--token-file <file>', "worker's token file (default: $AIRA_TOKEN_FILE)")
    .option('--python', "run the arguments as Python code in the session's Python process")
    .option('--timeout <duration>', 'stop the command after this long (e.g. 90s, 10m)')
    .option('--connect-timeout <duration>', 'how long to wait for the worker', '10s')
    .argument(
      '<command...>',
      "after --: several words are one command and its arguments, passed as typed (aira exec … -- sh -c 'exit 7'); one word is a shell line (aira exec … -- 'nvidia-smi | head'); with --python, the words are Python code",
    )
    .action(async (words: string[], flags: ExecFlags) => {
      process.exitCode = await execOnce(words, flags);
    });
}

async function execOnce(words: string[], flags: ExecFlags): Promise<number> {
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(flags.worker)) {
    throw new ConfigError(`--worker "${flags.worker}": expected HOST:PORT`);
  }
  const tokenFile = flags.tokenFile ?? process.env.AIRA_TOKEN_FILE;
  if (!tokenFile)
    throw new ConfigError(
      'no token: pass --token-file FILE (the worker names its token_file on its first line)',
    );
  const token = readTokenFile(tokenFile);
  // wall_ms is a whole number of ms on the wire: rounded up, so the command gets at least what was asked.
  const wallMs = flags.timeout ? Math.ceil(durationFlag('--timeout', flags.timeout)) : 0;
  const { connection } = await WorkerConnection.connect({
    address: flags.worker,
    token,
    connectTimeoutMs: durationFlag('--connect-timeout', flags.connectTimeout),
  });
  const address = flags.worker;
  const sessionId = newId('ses');
  const execId = newId('exe');
  // Ctrl-C before the exec exists stops here; after, it cancels the remote exec (the exec id is
  // ours, so a cancel that overtakes the exec's creation is simply retried).
  let cancelling = false;
  let execStarted = false;
  const sendCancel = async () => {
    for (let i = 0; i < 10; i++) {
      const code = await connection.unary('cancel', { execId, reason: 'aira exec: interrupted' }).then(
        () => 0,
        (err: { code?: number }) => err.code ?? -1,
      );
      if (code !== 5) return; // NOT_FOUND: not created yet
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const onSigint = () => {
    if (cancelling) process.exit(130);
    cancelling = true;
    if (execStarted) void sendCancel();
  };
  process.on('SIGINT', onSigint);
  try {
    await connection
      .unary('openSession', {
        sessionId,
        labels: { by: 'aira exec' },
        dataPath: '',
        limits: undefined,
        env: {},
        startShell: false,
      })
      .catch((err) => {
        throw describeRpcError(err, address);
      });
    if (cancelling) return 130;
    execStarted = true;
    const finished = await follow(
      address,
      () =>
        connection.stream('exec', {
          sessionId,
          kind: flags.python ? ExecKind.EXEC_KIND_PYTHON : ExecKind.EXEC_KIND_BASH,
          code: commandLine(words, Boolean(flags.python)),
          execId,
          limits: wallMs
            ? { wallMs, memoryBytes: 0, maxProcesses: 0, cpuset: '', maxOutputBytes: 0, maxDiskBytes: 0 }
            : undefined,
          label: 'aira exec',
        }),
      (fromSeq) => connection.stream('attach', { execId, fromSeq }),
    );
    if (finished.reason) process.stderr.write(`aira: the command ended: ${finished.reason}\n`);
    if (finished.outputTruncated) process.stderr.write("aira: output past the worker's limit was dropped\n");
    // As a local shell would: 130 after Ctrl-C, 124 after a timeout (as timeout(1)), 128+N for a signal.
    if (cancelling) return 130;
    if (finished.reason === 'timeout') return 124;
    if (finished.signal) return 128 + (constants.signals[finished.signal as NodeJS.Signals] ?? 0);
    return finished.exitCode < 0 ? 1 : finished.exitCode;
  } finally {
    process.off('SIGINT', onSigint);
    await connection.unary('closeSession', { sessionId, keepWorkspace: false }).catch(() => {});
    connection.close();
  }
}

/**
 * Writes the exec's output to our stdout/stderr as it arrives, pausing the stream when our own
 * stdout is slow (backpressure reaches the worker); re-attaches from the next seq when the stream
 * breaks, so nothing is lost or repeated.
 */
async function follow(
  address: string,
  open: () => EventStream,
  attach: (fromSeq: number) => EventStream,
): Promise<ExecFinished> {
  let nextSeq = 0;
  let attempts = 0;
  let stream = open();
  for (;;) {
    try {
      const finished = await new Promise<ExecFinished | undefined>((resolve, reject) => {
        let result: ExecFinished | undefined;
        stream.on('data', (res: ExecResponse) => {
          const ev = res.event;
          if (!ev || ev.seq !== nextSeq) return; // a duplicate after re-attach is impossible, but never print twice
          nextSeq++;
          attempts = 0;
          if (ev.event?.$case === 'output') {
            const out =
              ev.event.value.stream === OutputStream.OUTPUT_STREAM_STDERR ? process.stderr : process.stdout;
            if (!out.write(ev.event.value.data)) {
              stream.pause();
              out.once('drain', () => stream.resume());
            }
          } else if (ev.event?.$case === 'finished') result = ev.event.value;
        });
        stream.on('error', reject);
        stream.on('end', () => resolve(result));
      });
      if (finished) return finished;
      throw new UserError(`worker ${address} ended the stream before the command finished`);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // A request that did not serialize never reached the worker: re-attaching would only find nothing.
      const local = /serialization failure/i.test((err as { details?: string }).details ?? '');
      if (typeof code !== 'number' || !REATTACH.has(code) || local || ++attempts > 5)
        throw describeRpcError(err, address);
      await new Promise((r) => setTimeout(r, 200 * attempts));
      stream = attach(nextSeq);
    }
  }
}

/**
 * The code sent for the words after `--`: one word is a shell line (pipes, `;` and quoting as
 * bash reads them); several words are an argv, each quoted so it arrives exactly as typed, as
 * `docker exec` and `kubectl exec` do. Python code is the words joined by spaces.
 */
export function commandLine(words: string[], python: boolean): string {
  if (python || words.length === 1) return words.join(' ');
  return words.map(shellQuote).join(' ');
}

function durationFlag(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new ConfigError(`${flag}: ${(err as Error).message}`);
  }
}
