import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ExecKind, type Limits } from '@aira/protocol';
import { airaBin } from '@aira/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFolder } from '../files/client.js';
import { openSession, run, runPython, startTestWorker, type TestWorker } from '../test-support/worker.js';
import { probeBubblewrap } from './bubblewrap.js';
import { probeLimits } from './limits.js';

// Hostile candidates against a real daemon (`aira worker --sandbox auto`): each is stopped with a
// clear reason, leaves nothing behind, and the daemon goes on serving. Budgets are small (seconds).
const bwrap = probeBubblewrap();
const limitsProbe = probeLimits();
const tmp = mkdtempSync(join(tmpdir(), 'aira-contain-'));
let w: TestWorker;
let listener: Server;
let port = 0;

beforeAll(async () => {
  w = await startTestWorker({
    args: ['--sandbox', 'auto', '--workdir', join(tmp, 'workdir'), '--cancel-grace', '300ms'],
  });
  writeFileSync(join(w.workdir, 'planted.txt'), 'PLANTED-IN-WORKDIR');
  mkdirSync(join(tmp, 'outside'));
  writeFileSync(join(tmp, 'outside', 'answers.csv'), 'PRIVATE-ANSWERS');
  listener = createServer((s) => s.end('HELLO')).listen(0, '127.0.0.1');
  await new Promise((r) => listener.once('listening', r));
  port = (listener.address() as { port: number }).port;
});
afterAll(async () => {
  listener?.close();
  await w?.stop();
  rmSync(tmp, { recursive: true, force: true });
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

/** Host processes whose command line holds `marker` (candidates put one in their argv). */
function hostProcessesWith(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (cmd.includes(marker) && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** The daemon still serves: a trivial exec in a fresh session answers at once. */
async function stillServing(): Promise<void> {
  const s = await openSession(w.connection);
  const t0 = Date.now();
  const r = await run(w.connection, s, 'echo alive');
  expect(r.stdout).toBe('alive\n');
  expect(Date.now() - t0).toBeLessThan(5_000);
  await w.connection.unary('closeSession', { sessionId: s, keepWorkspace: false });
}

describe('Describe', () => {
  it('reports the sandbox, how limits are enforced, and the candidate Python with its packages', async () => {
    const d = await w.connection.unary('describe', {});
    expect(d.sandbox).toMatchObject({
      mechanism: bwrap.usable ? 'bubblewrap' : 'none',
      mode: 'auto',
      limits: limitsProbe.mechanism,
    });
    expect(d.python?.executable).toBe('/usr/bin/python3');
    expect(Object.keys(d.python?.packages ?? {})).toEqual(
      expect.arrayContaining(['numpy', 'pandas', 'scikit-learn']),
    );
  });
});

describe('hostile candidates', () => {
  it('a fork bomb hits the process limit, is ended with everything it forked, and the shell survives', async () => {
    const s = await openSession(w.connection);
    await run(w.connection, s, 'kept=yes');
    const r = await run(w.connection, s, 'bomb() { bomb | bomb & }; bomb; sleep 30 # fork-bomb-marker', {
      limits: limits({ maxProcesses: 48, wallMs: 3_000 }),
    });
    expect(r.finished.reason).toMatch(/process limit 48 reached/);
    expect(r.finished.reason).toMatch(/timeout/);
    expect((await run(w.connection, s, 'echo $kept')).stdout).toBe('yes\n');
    await w.connection.unary('closeSession', { sessionId: s, keepWorkspace: false });
    expect(hostProcessesWith('fork-bomb-marker')).toEqual([]);
    await stillServing();
  });

  it('a memory hog is stopped with the memory limit named (an exec limit in bash, a session limit in the Python kernel)', async () => {
    const opened = await w.connection.unary('openSession', {
      sessionId: '',
      labels: {},
      dataPath: '',
      limits: limits({ memoryBytes: 384 << 20 }),
      env: {},
      startShell: false,
    });
    const s = opened.sessionId;
    const hog = "b = [b'x' * (32 << 20) for _ in range(64)]; print('survived')";
    const r = await run(w.connection, s, `python3 -c "${hog}"`, {
      limits: limits({ memoryBytes: 256 << 20 }),
    });
    expect(r.stdout).not.toContain('survived');
    expect(r.finished.reason).toBe('memory limit 256 MiB exceeded');
    await runPython(w.connection, s, 'kept = 1');
    const p = await runPython(w.connection, s, hog);
    expect(p.stdout).not.toContain('survived');
    expect(p.finished.reason).toBe('memory limit 384 MiB exceeded');
    expect(p.finished.stateLost).toBe(true);
    // The kernel restarts for the next exec, without its old state.
    expect((await runPython(w.connection, s, "print(globals().get('kept', 'gone'))")).stdout).toBe('gone\n');
    await stillServing();
  });

  it('an endless print loop is stopped at the output limit', async () => {
    const s = await openSession(w.connection);
    const r = await run(w.connection, s, 'while :; do echo "spam spam spam"; done', {
      limits: limits({ maxOutputBytes: 1 << 20 }),
    });
    expect(r.finished.reason).toBe('output limit 1 MiB exceeded');
    expect(r.finished.outputTruncated).toBe(true);
    await stillServing();
  });

  it('a process that ignores SIGTERM is killed at the timeout', async () => {
    const s = await openSession(w.connection);
    const code =
      'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)  # sigterm-marker';
    const r = await run(w.connection, s, `python3 -c "${code}"`, { limits: limits({ wallMs: 1_500 }) });
    expect(r.finished.reason).toMatch(/^timeout/);
    expect(hostProcessesWith('sigterm-marker')).toEqual([]);
    await stillServing();
  });

  it('a process that daemonizes itself (setsid + double fork) is named, and does not survive its session', async () => {
    const s = await openSession(w.connection);
    const code = [
      'import os, sys, time',
      // The parent reaps the first child (as daemon(3) callers do), so when the exec ends only the
      // grandchild is left, not also a first child still on its way out.
      'pid = os.fork()',
      'if pid: os.waitpid(pid, 0); sys.exit(0)',
      'os.setsid()',
      'if os.fork(): sys.exit(0)',
      'os.close(0); os.close(1); os.close(2)',
      'time.sleep(300)  # daemon-marker',
    ].join('\n');
    writeFileSync(join(w.workdir, 'sessions', s, 'work', 'daemon.py'), code);
    const r = await run(w.connection, s, 'python3 daemon.py daemon-marker');
    expect(r.finished.exitCode).toBe(0);
    expect(r.finished.reason).toMatch(/1 background process still running/);
    expect(hostProcessesWith('daemon-marker')).toHaveLength(1);
    await w.connection.unary('closeSession', { sessionId: s, keepWorkspace: false });
    expect(hostProcessesWith('daemon-marker')).toEqual([]);
    await stillServing();
  });
});

describe.skipIf(!bwrap.usable)(`the sandbox (skipped: ${bwrap.reason ?? ''})`, () => {
  it("cannot read the daemon's workdir, its token, or a folder outside the session", async () => {
    const s = await openSession(w.connection);
    const files = [join(w.workdir, 'planted.txt'), w.tokenFile, join(tmp, 'outside', 'answers.csv')];
    const r = await run(
      w.connection,
      s,
      files.map((f) => `cat ${f} 2>/dev/null && echo READ`).join('; ') + '; echo end',
    );
    expect(r.stdout).toBe('end\n');
    expect(r.finished.protection).toBe('bubblewrap');
  });

  it('Describe says the candidate Python runs under bubblewrap', async () => {
    const info = await w.connection.unary('describe', {});
    expect(info.sandbox?.mechanism).toBe('bubblewrap');
    expect(info.python?.runner).toBe('bubblewrap');
  });

  it('cannot open a TCP connection to 127.0.0.1', async () => {
    // The listener answers HELLO to anyone who reaches it; the host itself can.
    const host = spawnSync('/bin/bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected`], {
      encoding: 'utf8',
    });
    expect(host.stdout).toBe('connected\n');
    const s = await openSession(w.connection);
    const r = await run(w.connection, s, `exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3 || echo refused`);
    expect(r.stdout).toContain('refused');
    expect(r.stdout).not.toContain('HELLO');
    const py = await runPython(
      w.connection,
      s,
      `import socket\ntry:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=2)\n    print("connected")\nexcept OSError as e:\n    print("refused", e.errno)`,
    );
    expect(py.stdout).toMatch(/^refused/);
  });

  it('cannot see host processes', async () => {
    const s = await openSession(w.connection);
    const r = await run(
      w.connection,
      s,
      `kill -0 ${w.process.pid} 2>/dev/null && echo SEES-DAEMON; ls /proc | grep -c '^[0-9]'`,
    );
    expect(r.stdout).not.toContain('SEES-DAEMON');
    expect(Number(r.stdout.trim())).toBeLessThan(15);
  });
});

describe('files through the daemon', () => {
  it('a re-upload is answered by the content cache (nothing sent)', async () => {
    const local = join(tmp, 'upload');
    mkdirSync(join(local, 'sub'), { recursive: true });
    writeFileSync(join(local, 'train.csv'), 'a,b\n1,2\n');
    writeFileSync(join(local, 'sub', 'blob.bin'), Buffer.alloc(300_000, 7));
    const s1 = await openSession(w.connection);
    const s2 = await openSession(w.connection);
    const first = await uploadFolder(w.connection, s1, local, 'data');
    expect(first).toMatchObject({ files: 2, bytesReceived: 300_008 });
    const second = await uploadFolder(w.connection, s2, local, 'data');
    expect(second).toMatchObject({ files: 2, bytesReceived: 0, cacheHits: 2 });
    const r = await run(
      w.connection,
      s2,
      'wc -c < ../data/sub/blob.bin; echo x > ../data/new 2>/dev/null || echo read-only',
    );
    expect(r.stdout).toBe(bwrap.usable ? '300000\nread-only\n' : '300000\n');
  });

  it('path traversal is refused in every form with INVALID_ARGUMENT', async () => {
    const s = await openSession(w.connection);
    await run(
      w.connection,
      s,
      `ln -s ${join(tmp, 'outside')} out-link; ln -s ${join(w.workdir, 'planted.txt')} planted-link`,
    );
    const put = (path: string) =>
      new Promise<unknown>((resolve, reject) => {
        const call = w.connection.client.putFiles(w.connection.metadata, (err, res) =>
          err ? reject(err) : resolve(res),
        );
        call.write({
          item: {
            $case: 'header',
            value: { sessionId: s, path, size: 1, sha256: 'a'.repeat(64), mode: 0o644, fromCache: false },
          },
        });
        call.end();
      });
    const get = (path: string) =>
      new Promise<unknown>((resolve, reject) => {
        const st = w.connection.stream('getFiles', { sessionId: s, paths: [path] });
        st.on('data', () => {});
        st.on('error', reject);
        st.on('end', resolve);
      });
    for (const p of [
      '../x',
      'work/../../x',
      '/etc/passwd',
      'work/out-link/x',
      'work/planted-link',
      'tmp/x',
    ]) {
      const err = (await put(p).then(
        () => null,
        (e: unknown) => e,
      )) as ServiceError | null;
      expect(err?.code, `PutFiles ${p}`).toBe(status.INVALID_ARGUMENT);
    }
    for (const p of [
      '../../token',
      '/etc/passwd',
      'work/out-link/answers.csv',
      'work/planted-link',
      'work',
    ]) {
      const err = (await get(p).then(
        () => null,
        (e: unknown) => e,
      )) as ServiceError | null;
      expect(err?.code, `GetFiles ${p}`).toBe(status.INVALID_ARGUMENT);
    }
  });
});

describe('--sandbox required', () => {
  it('refuses to start without bubblewrap, in one line', () => {
    const r = spawnSync(
      process.execPath,
      [
        airaBin(),
        'worker',
        '--sandbox',
        'required',
        '--listen',
        '127.0.0.1:0',
        '--workdir',
        join(tmp, 'req'),
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, PATH: '/nonexistent' },
        timeout: 30_000,
      },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--sandbox required but bwrap is not installed/);
  });
});

void ExecKind;

describe("the worker's own share (--cpus, --memory)", () => {
  it('pins sessions to the CPU set and stops a hog at the worker memory', async () => {
    const own = await startTestWorker({
      args: ['--cpus', '0', '--memory', '512MiB', '--workdir', join(tmp, 'share')],
    });
    try {
      const s = await openSession(own.connection);
      const cpus = await run(own.connection, s, 'grep Cpus_allowed_list /proc/self/status');
      if (limitsProbe.controllers.includes('cpuset')) expect(cpus.stdout).toMatch(/:\s+0\n$/);
      const r = await run(own.connection, s, `python3 -c "b = b'x' * (800 << 20); print('survived')"`);
      expect(r.stdout).not.toContain('survived');
      if (limitsProbe.controllers.includes('memory'))
        expect(r.finished.reason).toBe('memory limit 512 MiB of the worker exceeded');
    } finally {
      await own.stop();
    }
  });
});
