import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecKind } from '@aira/protocol';
import {
  collect,
  eventually,
  execRequest,
  openSession,
  run,
  runPython,
  startTestWorker,
  type TestWorker,
  unary,
} from '../test-support/worker.js';

let w: TestWorker;
beforeAll(async () => {
  // Unsandboxed: these tests read pids the candidate wrote, which a PID namespace would renumber
  // (the sandboxed equivalents are in sandbox/contain.test.ts).
  w = await startTestWorker({ args: ['--cancel-grace', '500ms', '--sandbox', 'off'] });
});
afterAll(async () => {
  await w?.stop();
});

/** Gone, or a zombie waiting for init: either way no longer running. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const pidsIn = (s: string, ...files: string[]) =>
  files.map((f) => Number(readFileSync(join(w.workdir, 'sessions', s, 'work', f), 'utf8').trim()));

/** Starts an exec and returns its id and a promise of its collected events. */
function start(s: string, code: string, kind = ExecKind.EXEC_KIND_BASH) {
  const execId = `exe-${Math.random().toString(16).slice(2, 12)}`;
  const done = collect(w.connection.stream('exec', execRequest(s, code, { execId, kind })));
  return { execId, done };
}

describe('cancel', () => {
  it('reaches grandchildren, background ones included, and keeps the shell and its state', async () => {
    const s = await openSession(w.connection);
    await run(w.connection, s, 'kept=still-here');
    const { execId, done } = start(
      s,
      `bash -c 'sleep 1000 & echo $! > bg.pid; sleep 1000 & echo $! > fg.pid; echo $$ > inner.pid; wait'; echo not-reached`,
    );
    const work = join(w.workdir, 'sessions', s, 'work');
    await eventually(
      () => {
        try {
          return readFileSync(join(work, 'inner.pid'), 'utf8').length > 0;
        } catch {
          return false;
        }
      },
      10_000,
      'the command to start',
    );
    const pids = pidsIn(s, 'bg.pid', 'fg.pid', 'inner.pid');
    expect(pids.every(isRunning)).toBe(true);
    expect((await unary(w.connection, 'cancel', { execId, reason: 'test' })).cancelled).toBe(true);
    const r = await done;
    expect(r).toMatchObject({ stdout: '', finished: { reason: 'cancelled', stateLost: false } });
    await eventually(() => pids.every((p) => !isRunning(p)), 5_000, 'every process of the exec to end');
    expect((await run(w.connection, s, 'echo $kept')).stdout).toBe('still-here\n');
    expect((await unary(w.connection, 'cancel', { execId, reason: 'again' })).cancelled).toBe(false);
  });

  it('interrupts Python with KeyboardInterrupt and keeps its state', async () => {
    const s = await openSession(w.connection);
    await runPython(w.connection, s, 'state = {"n": 1}\nimport time');
    const { execId, done } = start(
      s,
      'state["n"] = 2\nprint("sleeping", flush=True)\ntime.sleep(1000)',
      ExecKind.EXEC_KIND_PYTHON,
    );
    await eventually(
      async () => (await unary(w.connection, 'describe', {})).running.some((e) => e.execId === execId),
      10_000,
      'the exec to run',
    );
    await new Promise((r) => setTimeout(r, 300));
    await unary(w.connection, 'cancel', { execId, reason: '' });
    const r = await done;
    expect(r.finished).toMatchObject({
      signal: 'SIGINT',
      exitCode: -1,
      reason: 'cancelled',
      stateLost: false,
    });
    expect(r.stdout).toBe('sleeping\n');
    expect(r.stderr).toMatch(/KeyboardInterrupt/);
    expect((await runPython(w.connection, s, 'state["n"]')).stdout).toBe('2\n');
  });

  it('kills and restarts a process stuck where signals do not help, and says the state is lost', async () => {
    const s = await openSession(w.connection);
    await run(w.connection, s, 'lost=no');
    // A builtin loop has no child to signal: the shell's USR1 trap breaks out of it.
    const busy = start(s, 'while :; do :; done; echo not-reached');
    await new Promise((r) => setTimeout(r, 300));
    await unary(w.connection, 'cancel', { execId: busy.execId, reason: '' });
    expect(await busy.done).toMatchObject({
      stdout: '',
      finished: { reason: 'cancelled', stateLost: false },
    });
    expect((await run(w.connection, s, 'echo "${lost:-yes}"')).stdout).toBe('no\n');
    // A shell whose cancel trap was removed is killed and restarted.
    const trapless = start(s, 'trap - USR1; while :; do :; done');
    await new Promise((r) => setTimeout(r, 300));
    await unary(w.connection, 'cancel', { execId: trapless.execId, reason: '' });
    expect((await trapless.done).finished).toMatchObject({ reason: 'cancelled', stateLost: true });
    expect((await run(w.connection, s, 'echo "${lost:-yes}"')).stdout).toBe('yes\n');

    await runPython(w.connection, s, 'x = 1');
    const stubborn = start(
      s,
      'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass',
      ExecKind.EXEC_KIND_PYTHON,
    );
    await new Promise((r) => setTimeout(r, 500));
    await unary(w.connection, 'cancel', { execId: stubborn.execId, reason: '' });
    expect((await stubborn.done).finished).toMatchObject({ reason: 'cancelled', stateLost: true });
    const after = await runPython(w.connection, s, "'x' in globals()");
    expect(after.stdout).toBe('False\n');
  });

  it('stops an exec at its wall-clock limit with reason "timeout"', async () => {
    const s = await openSession(w.connection);
    await run(w.connection, s, 'n=0');
    const r = await run(
      w.connection,
      s,
      'echo start; sleep 30; echo never; for i in 1 2; do n=$((n+1)); done',
      {
        limits: {
          wallMs: 400,
          memoryBytes: 0,
          maxProcesses: 0,
          cpuset: '',
          maxOutputBytes: 0,
          maxDiskBytes: 0,
        },
      },
    );
    // The whole command line stops, as Ctrl-C stops it in a terminal, and the shell lives on.
    expect(r.stdout).toBe('start\n');
    expect(r.finished).toMatchObject({ reason: 'timeout', stateLost: false });
    expect((await run(w.connection, s, 'echo $n')).stdout).toBe('0\n');
    expect(r.finished.durationMs).toBeLessThan(5_000);
  });

  it('a queued exec that is cancelled ends at once and never runs', async () => {
    const s = await openSession(w.connection);
    const first = start(s, 'sleep 1; echo first');
    const queued = start(s, 'touch queued-ran');
    await new Promise((r) => setTimeout(r, 200));
    expect((await unary(w.connection, 'cancel', { execId: queued.execId, reason: '' })).cancelled).toBe(true);
    const q = await queued.done;
    expect(q.events.map((e) => e.event?.$case)).toEqual(['started', 'finished']);
    expect(q.finished.reason).toBe('cancelled');
    expect((await first.done).stdout).toBe('first\n');
    expect((await run(w.connection, s, 'ls')).stdout).toBe('');
  });

  it('Cancel of an unknown exec is NOT_FOUND', async () => {
    const err = await unary(w.connection, 'cancel', { execId: 'exe-unknown', reason: '' }).catch(
      (e: { code: number }) => e,
    );
    expect((err as { code: number }).code).toBe(5);
  });
});

describe('CloseSession', () => {
  it('ends everything the session started, daemonized processes included', async () => {
    const s = await openSession(w.connection);
    await run(w.connection, s, 'sleep 1000 & echo $! > bg.pid; (setsid sleep 1000 & echo $! > daemon.pid)');
    await runPython(
      w.connection,
      s,
      'import subprocess\np = subprocess.Popen(["sleep", "1000"])\nopen("py.pid", "w").write(str(p.pid))',
    );
    const running = start(s, 'sleep 1000');
    await eventually(
      async () =>
        (await unary(w.connection, 'describe', {})).running.some((e) => e.execId === running.execId),
      10_000,
      'the exec to run',
    );
    const pids = pidsIn(s, 'bg.pid', 'daemon.pid', 'py.pid');
    expect(pids.every(isRunning)).toBe(true);
    await unary(w.connection, 'closeSession', { sessionId: s, keepWorkspace: false });
    expect((await running.done).finished.reason).toBe('session closed');
    await eventually(() => pids.every((p) => !isRunning(p)), 5_000, 'every process of the session to end');
    const list = await unary(w.connection, 'listSessions', {});
    expect(list.sessions.map((x) => x.sessionId)).not.toContain(s);
  });
});
