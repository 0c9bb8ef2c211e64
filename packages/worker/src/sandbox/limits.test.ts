import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LimitsEnforcer, probeLimits, tighten } from './limits.js';
import { isAlive } from '../host/proc.js';

const PY = '/usr/bin/python3';
const tmp = mkdtempSync(join(tmpdir(), 'aira-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A stateful bash as a session has one: commands on stdin, output on stdout. */
function startBash(
  argv: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; run: (cmd: string) => Promise<string> } {
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  let buf = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  let n = 0;
  const run = async (cmd: string) => {
    const mark = `__done_${n++}__`;
    child.stdin!.write(`${cmd}\necho ${mark} $?\n`);
    for (;;) {
      const i = buf.indexOf(mark);
      if (i >= 0) {
        const out = buf.slice(0, buf.indexOf('\n', i) + 1);
        buf = buf.slice(out.length);
        return out;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { child, run };
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Each mode is exercised for real: the machine's cgroups (whatever it offers) and the /proc
// watchdog that stands in where no cgroup is writable.
const modes = [
  { name: `machine (${probeLimits().mechanism})`, cgroups: true },
  { name: 'fallback without cgroups', cgroups: false },
];

describe.each(modes)('limits under root: $name', ({ cgroups }) => {
  const enforcer = LimitsEnforcer.create({ cgroups, tag: cgroups ? 'cg' : 'nocg', pollMs: 50 });
  afterAll(() => enforcer.close());

  it('a memory hog is stopped with the memory limit named, and the shell keeps its state', async () => {
    const session = enforcer.openSession(`mem${cgroups}`, { memoryBytes: 96 * 1024 ** 2 });
    const bash = startBash(session.wrap(['bash', '--norc']), session.env);
    session.adopt(bash.child.pid!);
    await bash.run('X=kept');
    const exec = await session.beginExec('hog', {}, bash.child.pid!);
    const out = await bash.run(`${PY} -c "b = [b'x' * (16 << 20) for _ in range(64)]; print('survived')"`);
    const usage = exec.end();
    expect(out).not.toContain('survived');
    expect(usage.reasons).toContain('memory limit 96 MiB exceeded');
    expect(await bash.run('echo $X')).toContain('kept');
    await session.close();
    expect(isAlive(bash.child.pid!)).toBe(false);
  });

  it('a fork bomb reaches the process limit and is killed with everything it spawned', async () => {
    const session = enforcer.openSession(`fork${cgroups}`, { maxProcesses: 40 });
    const bash = startBash(session.wrap(['bash', '--norc']), session.env);
    session.adopt(bash.child.pid!);
    const exec = await session.beginExec('bomb', {}, bash.child.pid!);
    // A fork bomb bounded at 2^8 processes, so that it cannot hurt this machine if the limit did not hold.
    bash.child.stdin!.write(`${PY} -c "
import os, time
for _ in range(8):
    try:
        os.fork()
    except OSError:
        pass
time.sleep(30)
" 2>/dev/null &\n`);
    await waitFor(() => exec.usage().reasons.length > 0 || exec.usage().processLimitHits > 0);
    await exec.kill();
    const usage = exec.end();
    expect(usage.reasons).toContain('process limit 40 reached');
    expect(isAlive(bash.child.pid!)).toBe(true);
    await session.close();
    expect(session.pids()).toEqual([]);
  });

  it('a process that daemonizes itself (setsid + double fork) does not survive its session', async () => {
    const session = enforcer.openSession(`daemon${cgroups}`, {});
    const bash = startBash(session.wrap(['bash', '--norc']), session.env);
    session.adopt(bash.child.pid!);
    const pidFile = join(tmp, `daemon-${cgroups}.pid`);
    const exec = await session.beginExec('d', {}, bash.child.pid!);
    await bash.run(
      `${PY} -c "
import os, signal, time
if os.fork(): os._exit(0)
os.setsid()
if os.fork(): os._exit(0)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
open('${pidFile}', 'w').write(str(os.getpid()))
os.close(0); os.close(1)
time.sleep(300)
"`,
    );
    exec.end();
    await waitFor(() => {
      try {
        return readFileSync(pidFile, 'utf8').length > 0;
      } catch {
        return false;
      }
    });
    const daemonPid = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(daemonPid)).toBe(true);
    await session.close();
    expect(isAlive(daemonPid)).toBe(false);
  });

  it('cancelling an exec kills its children but not the stateful shell', async () => {
    const session = enforcer.openSession(`cancel${cgroups}`, {});
    const bash = startBash(session.wrap(['bash', '--norc']), session.env);
    session.adopt(bash.child.pid!);
    const exec = await session.beginExec('c', {}, bash.child.pid!);
    const out = await bash.run('sleep 300 & echo child=$!');
    const child = Number(/child=(\d+)/.exec(out)![1]);
    expect(isAlive(child)).toBe(true);
    await exec.kill();
    exec.end();
    await waitFor(() => !isAlive(child));
    expect(isAlive(bash.child.pid!)).toBe(true);
    await session.close();
  });
});

describe('cgroup specifics', () => {
  const probe = probeLimits();
  it.skipIf(probe.layout === null)(
    `groups are made only in the hierarchies aira uses${probe.layout === null ? ' (skipped: no writable cgroups here)' : ''}`,
    () => {
      const dirs = Object.keys(probe.layout!.controllers);
      // The freezer only where it is the way to end a group; `cpu` only where no cpuset pins.
      if (probe.killer !== 'freezer') expect(dirs).not.toContain('freezer');
      if (dirs.includes('cpuset')) expect(dirs).not.toContain('cpu');
    },
  );
  it.skipIf(probe.hierarchies.length === 0)(
    `groups dead workers left are swept from every hierarchy, used here or not${probe.hierarchies.length ? '' : ' (skipped: no writable cgroups here)'}`,
    async () => {
      const dead = spawnSync('true').pid;
      const name = `aira-${dead}-left`;
      for (const h of probe.hierarchies) mkdirSync(join(h, name));
      const enforcer = new LimitsEnforcer(probe, { tag: 'sweeper' });
      try {
        await enforcer.sweepStale();
        for (const h of probe.hierarchies) expect(existsSync(join(h, name)), h).toBe(false);
      } finally {
        await enforcer.close();
      }
    },
  );
  const skip = probe.layout === null || !probe.controllers.includes('cpuset');
  it.skipIf(skip)(
    `an exec cpuset pins its processes${skip ? ' (skipped: no writable cpuset controller here)' : ''}`,
    async () => {
      const enforcer = LimitsEnforcer.create({ tag: 'cpus' });
      const session = enforcer.openSession('cpus', {});
      const bash = startBash(session.wrap(['bash', '--norc']), session.env);
      const exec = await session.beginExec('pin', { cpuset: '0' }, bash.child.pid!);
      const out = await bash.run(`grep Cpus_allowed_list /proc/self/status`);
      exec.end();
      expect(out).toMatch(/Cpus_allowed_list:\s+0\n/);
      await enforcer.close();
    },
  );

  it('reports the peak memory of an exec', async () => {
    const enforcer = LimitsEnforcer.create({ tag: 'peak', pollMs: 20 });
    const session = enforcer.openSession('peak', {});
    const bash = startBash(session.wrap(['bash', '--norc']), session.env);
    session.adopt(bash.child.pid!);
    const exec = await session.beginExec('p', {}, bash.child.pid!);
    await bash.run(`${PY} -c "b = b'x' * (200 << 20); import time; time.sleep(0.5)"`);
    const usage = exec.end();
    // cgroups count exactly; the /proc poll may miss a short peak, so only cgroups are held to it.
    if (probe.controllers.includes('memory')) expect(usage.peakMemoryBytes).toBeGreaterThan(200 * 1024 ** 2);
    await enforcer.close();
  });
});

describe('exec groups between execs', () => {
  const probe = probeLimits();
  const skip = !probe.controllers.includes('memory');
  const why = skip ? ' (skipped: no writable memory cgroup here)' : '';
  /** The memory group a process is in, from /proc (v1 names the controller, v2 has one line). */
  const memoryGroup = (pid: number) =>
    readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      .split('\n')
      .find((l) => /:memory:/.test(l) || l.startsWith('0::'));

  it.skipIf(skip)(
    `the next exec with the same limits reuses the group, with a peak and counters of its own${why}`,
    async () => {
      const enforcer = LimitsEnforcer.create({ tag: 'reuse' });
      const session = enforcer.openSession('reuse', { memoryBytes: 96 * 1024 ** 2 });
      const bash = startBash(session.wrap(['bash', '--norc']), session.env);
      session.adopt(bash.child.pid!);
      const first = await session.beginExec('one', {}, bash.child.pid!);
      await bash.run(`${PY} -c "b = [b'x' * (16 << 20) for _ in range(64)]"`);
      const hog = first.end();
      const during = memoryGroup(bash.child.pid!);
      expect(hog.reasons).toContain('memory limit 96 MiB exceeded');
      expect(hog.peakMemoryBytes).toBeGreaterThan(64 * 1024 ** 2);

      const second = await session.beginExec('two', {}, bash.child.pid!);
      await bash.run('true');
      const calm = second.end();
      expect(memoryGroup(bash.child.pid!)).toBe(during); // not moved: the same group
      expect(calm.reasons).toEqual([]);
      expect(calm.oomKills).toBe(0);
      expect(calm.peakMemoryBytes).toBeLessThan(32 * 1024 ** 2);
      await session.close();
      await enforcer.close();
    },
  );

  it.skipIf(skip)(
    `a shell settled when it starts gives the first exec its group, with the session's limits: nothing moves${why}`,
    async () => {
      const enforcer = LimitsEnforcer.create({ tag: 'settle' });
      const session = enforcer.openSession('settle', { memoryBytes: 96 * 1024 ** 2 });
      const bash = startBash(session.wrap(['bash', '--norc']), session.env);
      session.adopt(bash.child.pid!);
      await session.settle(bash.child.pid!);
      const settled = memoryGroup(bash.child.pid!);
      expect(settled).toMatch(/\/s-settle\/p-\d+$/);
      const first = await session.beginExec('one', {}, bash.child.pid!);
      await bash.run(`${PY} -c "b = [b'x' * (16 << 20) for _ in range(64)]"`);
      const hog = first.end();
      expect(memoryGroup(bash.child.pid!)).toBe(settled); // not moved
      expect(hog.reasons).toContain('memory limit 96 MiB exceeded');
      // An exec with limits of its own still gets a group of its own.
      const second = await session.beginExec('two', { memoryBytes: 64 * 1024 ** 2 }, bash.child.pid!);
      second.end();
      expect(memoryGroup(bash.child.pid!)).not.toBe(settled);
      await session.close();
      await enforcer.close();
    },
  );

  it.skipIf(skip)(
    `a process left running, or other limits, give the next exec a group of its own${why}`,
    async () => {
      const enforcer = LimitsEnforcer.create({ tag: 'fresh' });
      const session = enforcer.openSession('fresh', {});
      const bash = startBash(session.wrap(['bash', '--norc']), session.env);
      session.adopt(bash.child.pid!);
      const first = await session.beginExec('one', {}, bash.child.pid!);
      await bash.run('sleep 30 >/dev/null 2>&1 & echo $! > /dev/null');
      first.end();
      const one = memoryGroup(bash.child.pid!);
      const second = await session.beginExec('two', {}, bash.child.pid!);
      await bash.run('true');
      second.end();
      const two = memoryGroup(bash.child.pid!);
      expect(two).not.toBe(one);
      expect(session.pids().length).toBe(2); // the shell and the sleep it left
      const third = await session.beginExec('three', { memoryBytes: 64 * 1024 ** 2 }, bash.child.pid!);
      third.end();
      expect(memoryGroup(bash.child.pid!)).not.toBe(two);
      await session.close();
      expect(session.pids()).toEqual([]);
      await enforcer.close();
    },
  );
});

describe('tighten', () => {
  it('takes the tighter figure and refuses CPUs outside the session', () => {
    expect(tighten({ memoryBytes: 100, maxProcesses: 10 }, { memoryBytes: 50, wallMs: 5 })).toMatchObject({
      memoryBytes: 50,
      maxProcesses: 10,
      wallMs: 5,
    });
    expect(tighten({ cpuset: '0-3' }, { cpuset: '2,3' }).cpuset).toBe('2-3');
    expect(() => tighten({ cpuset: '0-3' }, { cpuset: '4' })).toThrow(/CPUs 4 outside the session's 0-3/);
  });
});
