import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecKind } from '@aira/protocol';
import {
  eventually,
  execRequest,
  openSession,
  run,
  runPython,
  startTestWorker,
  type TestWorker,
} from './test-support/worker.js';

const dir = mkdtempSync(join(tmpdir(), 'aira-leftovers-'));
const started: TestWorker[] = [];
const strangers: ChildProcess[] = [];
const sessionPids: number[] = [];
afterAll(async () => {
  for (const w of started) await w.stop().catch(() => undefined);
  for (const s of strangers) s.kill('SIGKILL');
  // Should the test fail, what it started must not outlive it.
  for (const pid of sessionPids) {
    try {
      // Only if the pid is still one of ours (its environment names this test's folder).
      if (readFileSync(`/proc/${pid}/environ`).includes(`AIRA_WORK_DIR=${dir}/`))
        process.kill(pid, 'SIGKILL');
    } catch {
      /* gone, as it should be */
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Gone, or a zombie waiting for its parent: either way no longer running. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

// By the pids the daemon recorded (no cgroups), and by its cgroups where the machine has them.
describe.each([
  ['recorded pids', ['--no-cgroups']],
  ['cgroups where writable, else recorded pids', []],
])('a daemon killed with SIGKILL (%s)', (name, flags) => {
  it(
    'leaves its session processes, and the next daemon on the same workdir ends them (and nothing else)',
    { timeout: 120_000 },
    async () => {
      const workdir = join(dir, name.replace(/\W+/g, '-'));
      // Unsandboxed: bubblewrap's --die-with-parent would end them with the daemon already.
      const first = await startTestWorker({ args: ['--workdir', workdir, '--sandbox', 'off', ...flags] });
      started.push(first);
      const s = await openSession(first.connection);
      const work = join(workdir, 'sessions', s, 'work');
      await run(
        first.connection,
        s,
        'sleep 1000 & echo $! > bg.pid; (setsid sleep 1000 & echo $! > daemon.pid)',
      );
      await runPython(
        first.connection,
        s,
        'import subprocess\np = subprocess.Popen(["sleep", "1000"])\nopen("py.pid", "w").write(str(p.pid))',
      );
      // An exec still running when the daemon dies.
      void first.connection
        .stream(
          'exec',
          execRequest(s, "sh -c 'echo $$ > fg.pid; exec sleep 1000'", { kind: ExecKind.EXEC_KIND_BASH }),
        )
        .on('error', () => {});
      const pidOf = (f: string) => {
        try {
          return Number(readFileSync(join(work, f), 'utf8').trim()) || 0;
        } catch {
          return 0;
        }
      };
      await eventually(() => pidOf('fg.pid') > 0, 30_000, 'the running exec to start');
      const pids = ['bg.pid', 'daemon.pid', 'py.pid', 'fg.pid'].map(pidOf);
      sessionPids.push(...pids);
      expect(pids.every(isRunning)).toBe(true);
      // A process of another daemon's session that happens to share the session id: not ours.
      const stranger = spawn('sleep', ['1000'], {
        env: { ...process.env, AIRA_SESSION_ID: s, AIRA_WORK_DIR: join(dir, 'elsewhere', s, 'work') },
        stdio: 'ignore',
      });
      strangers.push(stranger);

      first.connection.close();
      first.process.kill('SIGKILL');
      await new Promise((r) => first.process.once('exit', r));
      await new Promise((r) => setTimeout(r, 300));
      expect(pids.filter(isRunning)).toEqual(pids);

      const second = await startTestWorker({ args: ['--workdir', workdir, '--sandbox', 'off', ...flags] });
      started.push(second);
      await eventually(
        () => pids.every((p) => !isRunning(p)),
        30_000,
        'the processes the killed daemon left to end',
      );
      expect(isRunning(stranger.pid!)).toBe(true);
      // The new daemon works as usual, and its own sessions are not touched.
      const t = await openSession(second.connection);
      expect((await run(second.connection, t, 'echo fine')).stdout).toBe('fine\n');
    },
  );
});
