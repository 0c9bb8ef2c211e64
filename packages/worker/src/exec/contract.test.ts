import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecKind, type Limits } from '@aira/protocol';
import {
  collect,
  eventually,
  execRequest,
  openSession,
  run,
  runPython,
  sleep,
  startTestWorker,
  type TestWorker,
  unary,
} from '../test-support/worker.js';
import { PYTHON_DRIVER } from '../session/python.js';

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker({ args: ['--cancel-grace', '500ms', '--sandbox', 'off'] });
});
afterAll(async () => {
  await w?.stop();
});

const limits = (l: Partial<Limits>): Limits => ({
  wallMs: 0,
  memoryBytes: 0,
  maxProcesses: 0,
  cpuset: '',
  maxOutputBytes: 0,
  maxDiskBytes: 0,
  ...l,
});

/** The gRPC error an exec stream ends with. */
async function execError(req: ReturnType<typeof execRequest>): Promise<{ code: number; details: string }> {
  try {
    await collect(w.connection.stream('exec', req));
  } catch (err) {
    return err as { code: number; details: string };
  }
  throw new Error('the exec was accepted');
}

/** Starts an exec, waits until it runs, cancels it, and returns what it finished with. */
async function cancelled(s: string, code: string, kind = ExecKind.EXEC_KIND_BASH) {
  const execId = `exe-${Math.random().toString(16).slice(2, 12)}`;
  const done = collect(w.connection.stream('exec', execRequest(s, code, { execId, kind })));
  await eventually(
    async () => (await unary(w.connection, 'describe', {})).running.some((e) => e.execId === execId),
    30_000,
    'the exec to run',
  );
  await new Promise((r) => setTimeout(r, 300));
  expect((await unary(w.connection, 'cancel', { execId, reason: 'test' })).cancelled).toBe(true);
  return done;
}

describe('requests from clients built before a field was added', () => {
  it('run when built as before ExecRequest.files existed (a client that never sets it)', async () => {
    const s = await openSession(w.connection);
    const { files: _files, ...old } = execRequest(s, 'echo old client');
    expect((await collect(w.connection.stream('exec', old))).stdout).toBe('old client\n');
  });
});

describe('a session opened with start_shell', () => {
  it('has its shell running before its first exec, which runs in it', async () => {
    expect((await unary(w.connection, 'describe', {})).features).toContain('session.start');
    const opened = await unary(w.connection, 'openSession', {
      sessionId: '',
      labels: {},
      dataPath: '',
      limits: undefined,
      env: {},
      startShell: true,
    });
    await sleep(1_500);
    // bash counts SECONDS from its own start: a shell started by this exec would say 0.
    const r = await run(w.connection, opened.sessionId, 'echo $SECONDS; x=kept');
    expect(r.finished.exitCode).toBe(0);
    expect(Number(r.stdout.trim())).toBeGreaterThanOrEqual(1);
    expect((await run(w.connection, opened.sessionId, 'echo $x')).stdout).toBe('kept\n');
  });
});

describe('requests the daemon cannot run', () => {
  it('are refused with INVALID_ARGUMENT naming the field, never left waiting', async () => {
    const s = await openSession(w.connection);
    const cases: [ReturnType<typeof execRequest>, RegExp][] = [
      [execRequest('', 'true'), /^session_id: required/],
      [execRequest(s, 'true', { kind: ExecKind.EXEC_KIND_UNSPECIFIED }), /^kind: /],
      [execRequest(s, 'true', { execId: '../x' }), /^exec_id /],
      [
        execRequest(s, 'true', { limits: limits({ wallMs: 2 ** 40 }) }),
        /^limits\.wall_ms: 1099511627776 ms is more than/,
      ],
      [execRequest(s, 'true', { limits: limits({ cpuset: 'zero' }) }), /^limits\.cpuset: /],
    ];
    for (const [req, why] of cases) {
      const err = await execError(req);
      expect({ code: err.code, details: err.details }).toMatchObject({
        code: 3,
        details: expect.stringMatching(why),
      });
    }
    // Nothing was queued: the session runs the next exec at once.
    expect((await run(w.connection, s, 'echo ok')).stdout).toBe('ok\n');
    const attach = await collect(w.connection.stream('attach', { execId: '', fromSeq: 0 })).catch(
      (e: { code: number; details: string }) => e,
    );
    expect(attach).toMatchObject({ code: 3, details: 'exec_id: required' });
  });
});

describe('a bash exec cut short', () => {
  it('reports the signal when cancelled in the middle of a command list, as `sleep 30` alone does', async () => {
    const s = await openSession(w.connection);
    const alone = await cancelled(s, 'sleep 30');
    const list = await cancelled(s, 'echo a; sleep 30; echo b');
    expect(alone.finished).toMatchObject({
      exitCode: -1,
      signal: 'SIGTERM',
      reason: 'cancelled',
      stateLost: false,
    });
    expect(list.finished).toMatchObject({
      exitCode: -1,
      signal: 'SIGTERM',
      reason: 'cancelled',
      stateLost: false,
    });
    expect(list.stdout).toBe('a\n');
    // A builtin loop has no child to kill: still not a success.
    const loop = await cancelled(s, 'echo a; while :; do :; done; echo b');
    expect(loop.finished.exitCode === 0 && !loop.finished.signal).toBe(false);
    expect(loop.finished.reason).toBe('cancelled');
    // The shell lives on and its next command reports its own status.
    expect((await run(w.connection, s, 'echo c; false')).finished).toMatchObject({
      exitCode: 1,
      signal: '',
      reason: '',
    });
    expect((await run(w.connection, s, 'true')).finished).toMatchObject({ exitCode: 0, signal: '' });
  });

  it('reports the signal when timed out in the middle of a command list', async () => {
    const s = await openSession(w.connection);
    const r = await run(w.connection, s, 'echo a; sleep 30; echo b', { limits: limits({ wallMs: 400 }) });
    expect(r.stdout).toBe('a\n');
    expect(r.finished).toMatchObject({
      exitCode: -1,
      signal: 'SIGTERM',
      reason: 'timeout',
      stateLost: false,
    });
  });
});

describe('Python', () => {
  it('a cancelled exec shows the user code in its traceback and none of the driver', async () => {
    const s = await openSession(w.connection);
    await runPython(w.connection, s, 'import time');
    const r = await cancelled(s, 'def wait():\n    time.sleep(30)\nwait()', ExecKind.EXEC_KIND_PYTHON);
    expect(r.finished).toMatchObject({ exitCode: -1, signal: 'SIGINT', reason: 'cancelled' });
    expect(r.stderr).toMatch(/File "<exec-2>", line 3, in <module>/);
    expect(r.stderr).toMatch(/in wait\n/);
    expect(r.stderr).toMatch(/KeyboardInterrupt\n$/);
    expect(r.stderr).not.toContain(PYTHON_DRIVER);
    expect(r.stderr).not.toContain('driver.py');
    // An exception chained on another keeps the user frames of both, none of the driver's.
    const chained = await runPython(
      w.connection,
      s,
      'try:\n    1/0\nexcept ZeroDivisionError as e:\n    raise ValueError("bad") from e',
    );
    expect(chained.finished.exitCode).toBe(1);
    expect(chained.stderr).toMatch(/ZeroDivisionError[\s\S]*direct cause[\s\S]*ValueError: bad/);
    expect(chained.stderr).not.toContain('driver.py');
  });

  it('Describe says the candidate Python runs on the host when there is no sandbox', async () => {
    const info = await unary(w.connection, 'describe', {});
    expect(info.sandbox?.mechanism).toBe('none');
    expect(info.python?.runner).toBe('host');
  });
});
