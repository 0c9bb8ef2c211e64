import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientReadableStream } from '@grpc/grpc-js';
import {
  ExecKind,
  OutputStream,
  WorkerConnection,
  type CancelRequest,
  type CancelResponse,
  type CloseSessionRequest,
  type CloseSessionResponse,
  type DescribeRequest,
  type DescribeResponse,
  type ExecEvent,
  type ExecFinished,
  type ExecRequest,
  type ExecResponse,
  type ListSessionsRequest,
  type ListSessionsResponse,
  type OpenSessionRequest,
  type OpenSessionResponse,
} from '@aira/protocol';
import { repoRoot, spawnWorkerProcess, type SpawnedWorker, type SpawnWorkerOptions } from '@aira/testing';

const ROOT = repoRoot();

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/**
 * Tests drive real daemons (`node packages/cli/bin/aira.js worker`), which run the built code:
 * refuse to test a missing or stale build rather than test old code. Only this package's core and
 * the CLI's worker/exec commands are compared: a source file saved mid-edit elsewhere (sandbox/,
 * files/, other packages) would otherwise make the check flaky.
 */
export function assertBuilt(): void {
  const build = 'run `npx tsc -b tsconfig.json` at the repository root first';
  const worker = join(ROOT, 'packages/worker');
  let distTime: number;
  try {
    distTime = newest(join(worker, 'dist'));
  } catch {
    throw new Error(`packages/worker is not built: ${build}`);
  }
  if (newestNonTest(join(worker, 'src')) > distTime + 1000)
    throw new Error(`packages/worker/dist is older than its src: ${build}`);
  for (const cmd of ['worker', 'exec']) {
    const src = join(ROOT, 'packages/cli/src/commands', `${cmd}.ts`);
    const out = join(ROOT, 'packages/cli/dist/commands', `${cmd}.js`);
    if (!existsSync(out)) throw new Error(`packages/cli is not built: ${build}`);
    if (statSync(src).mtimeMs > statSync(out).mtimeMs + 1000)
      throw new Error(`packages/cli/dist/commands/${cmd}.js is older than its src: ${build}`);
  }
}

function newestNonTest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory())
      t = Math.max(t, ['test-support', 'sandbox', 'files'].includes(name) ? 0 : newestNonTest(p));
    else if (!name.endsWith('.test.ts')) t = Math.max(t, s.mtimeMs);
  }
  return t;
}

export interface TestWorker extends SpawnedWorker {
  connection: WorkerConnection;
}

/** Starts a real daemon on 127.0.0.1:0 and connects to it. */
export async function startTestWorker(options: SpawnWorkerOptions = {}): Promise<TestWorker> {
  assertBuilt();
  const worker = await spawnWorkerProcess({
    ...options,
    args: ['--log-level', 'warn', ...(options.args ?? [])],
  });
  const { connection } = await WorkerConnection.connect({ address: worker.address, token: worker.token });
  const stop = worker.stop;
  return Object.assign(worker, {
    connection,
    stop: async (timeoutMs?: number) => {
      connection.close();
      return stop(timeoutMs);
    },
  });
}

interface Unary {
  describe: [DescribeRequest, DescribeResponse];
  openSession: [OpenSessionRequest, OpenSessionResponse];
  closeSession: [CloseSessionRequest, CloseSessionResponse];
  listSessions: [ListSessionsRequest, ListSessionsResponse];
  cancel: [CancelRequest, CancelResponse];
}

/** WorkerConnection.unary with its response typed (its own response type resolves to never). */
export function unary<M extends keyof Unary>(
  c: WorkerConnection,
  method: M,
  request: Unary[M][0],
  opts?: { idempotent?: boolean },
): Promise<Unary[M][1]> {
  return c.unary(method, request as never, opts) as unknown as Promise<Unary[M][1]>;
}

export async function openSession(c: WorkerConnection, sessionId = ''): Promise<string> {
  const res = await unary(c, 'openSession', {
    sessionId,
    labels: {},
    dataPath: '',
    limits: undefined,
    env: {},
    startShell: false,
  });
  return res.sessionId;
}

export function execRequest(sessionId: string, code: string, extra: Partial<ExecRequest> = {}): ExecRequest {
  return {
    sessionId,
    kind: ExecKind.EXEC_KIND_BASH,
    code,
    execId: '',
    limits: undefined,
    label: '',
    files: [],
    ...extra,
  };
}

export interface Collected {
  events: ExecEvent[];
  stdout: string;
  stderr: string;
  finished: ExecFinished;
}

/** Reads a stream of exec events to its end. */
export async function collect(stream: ClientReadableStream<ExecResponse>): Promise<Collected> {
  const events: ExecEvent[] = [];
  for await (const res of stream as AsyncIterable<ExecResponse>) events.push(res.event!);
  return summarize(events);
}

export function summarize(events: ExecEvent[]): Collected {
  let stdout = '';
  let stderr = '';
  let finished: ExecFinished | undefined;
  for (const e of events) {
    if (e.event?.$case === 'output') {
      if (e.event.value.stream === OutputStream.OUTPUT_STREAM_STDOUT) stdout += e.event.value.data.toString();
      else stderr += e.event.value.data.toString();
    } else if (e.event?.$case === 'finished') finished = e.event.value;
  }
  if (!finished) throw new Error(`stream ended without a finished event (${events.length} events)`);
  return { events, stdout, stderr, finished };
}

export async function run(
  c: WorkerConnection,
  sessionId: string,
  code: string,
  extra: Partial<ExecRequest> = {},
): Promise<Collected> {
  return collect(c.stream('exec', execRequest(sessionId, code, extra)));
}

export async function runPython(c: WorkerConnection, sessionId: string, code: string): Promise<Collected> {
  return run(c, sessionId, code, { kind: ExecKind.EXEC_KIND_PYTHON });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until check() is truthy or the time is up. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
