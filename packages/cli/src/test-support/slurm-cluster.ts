import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * A real single-node Slurm for tests, from Debian's `slurm-wlm` and `munge`: its own munge key and
 * socket, its own slurm.conf, state and spool folders in a temp folder, its own ports on 127.0.0.1,
 * CPU only. Every client command (sbatch, squeue, scancel, srun) finds it through SLURM_CONF, which
 * `env` carries; nothing under /etc is touched, so it does not disturb a Slurm the machine may have.
 */
export interface SlurmCluster {
  dir: string;
  /** Environment for anything that talks to this cluster (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  partition: string;
  node: string;
  cpus: number;
  /** Job ids squeue shows now (any state). */
  jobs(): string[];
  /** `squeue`-style text for messages. */
  describeJobs(): string;
  /** Processes started for this cluster's jobs (step daemons, batch scripts, tasks) still running. */
  leftovers(): Array<{ pid: number; cmd: string }>;
  /** Cancels every job, waits until squeue is empty, stops the daemons, removes the folder. */
  stop(): Promise<void>;
}

/** Why the real-Slurm tests cannot run here, or null when they can. Root without Slurm is not a reason: the set-up installs it. */
export function slurmSkipReason(): string | null {
  if (process.getuid?.() !== 0)
    return 'the real-Slurm tests start slurmd, which runs jobs as root: run them as root (CI does)';
  return null;
}

const BINARIES = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch'];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Processes (not zombies) whose environment holds `entry`: all that Slurm started carry SLURM_CONF. */
function processesWithEnv(entry: string): Array<{ pid: number; cmd: string }> {
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${name}/status`, 'utf8'))) continue;
      if (!readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(entry)) continue;
      out.push({
        pid: Number(name),
        cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(),
      });
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

async function until<T>(
  what: string,
  probe: () => T | null | undefined | false,
  ms: number,
  detail: () => string = () => '',
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end)
      throw new Error(`slurm test cluster: timed out waiting for ${what}${detail() ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function startSlurm(options: { cpus?: number } = {}): Promise<SlurmCluster> {
  const missing = BINARIES.filter((b) => !existsSync(b));
  if (missing.length > 0)
    throw new Error(
      `slurm test cluster: ${missing.join(', ')} missing; tools/bootstrap.mjs installs slurm-wlm and munge (npm test runs it)`,
    );
  const cpus = options.cpus ?? 4;
  const dir = mkdtempSync(join(tmpdir(), 'aira-slurm-'));
  chmodSync(dir, 0o755);
  const m = join(dir, 'munge');
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, d), { mode: 0o755 });
  writeFileSync(join(m, 'munge.key'), randomBytes(1024), { mode: 0o400 });
  const node = hostname().split('.')[0]!;
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=airatest',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${join(m, 'munge.sock')}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log/slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log/slurmd.log')}`,
      // No cgroups: the test machine (a container) may not offer them; processes are tracked by /proc.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'SchedulerType=sched/backfill',
      'SchedulerParameters=sched_interval=1',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'MpiDefault=none',
      'ReturnToService=2',
      // The node may claim more CPUs than the machine has: slots, not cores, are what tests need.
      'SlurmdParameters=config_overrides',
      'MessageTimeout=10',
      'KillWait=5',
      'InactiveLimit=0',
      'MinJobAge=60',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=65536 State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
  const children: ChildProcess[] = [];
  const daemon = (cmd: string, args: string[], log: string) => {
    const fd = openSync(join(dir, 'log', log), 'a');
    const child = spawn(cmd, args, { env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    children.push(child);
    return child;
  };
  const logs = () =>
    ['munged.out', 'slurmctld.out', 'slurmd.out', 'slurmctld.log', 'slurmd.log']
      .map((f) => join(dir, 'log', f))
      .filter(existsSync)
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`)
      .join('\n');
  const run = (cmd: string, args: string[]) =>
    spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 20_000 });
  const cluster: SlurmCluster = {
    dir,
    env,
    partition: 'debug',
    node,
    cpus,
    jobs: () =>
      (run('squeue', ['-h', '-o', '%i']).stdout ?? '')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
    describeJobs: () => run('squeue', ['-o', '%i %j %T %r']).stdout ?? '',
    // The daemons themselves (and slurmctld's script helper) are not leftovers.
    leftovers: () =>
      processesWithEnv(`SLURM_CONF=${conf}`).filter(
        (p) => !children.some((c) => c.pid === p.pid) && !p.cmd.includes('slurmscriptd'),
      ),
    async stop() {
      try {
        // Every job of this private cluster is the test's: cancel them all (array jobs whole).
        if (cluster.jobs().length > 0) run('scancel', ['--user', 'root']);
        await until(
          'every job to end',
          () => cluster.jobs().length === 0,
          30_000,
          cluster.describeJobs,
        ).catch(() => undefined);
      } finally {
        // slurmd first (it ends the step daemons it runs), then the controller, then munge.
        for (const child of [...children].reverse()) {
          if (alive(child.pid)) child.kill('SIGTERM');
          await until(
            `${child.spawnfile} to exit`,
            () => child.exitCode !== null || child.signalCode !== null,
            15_000,
          ).catch(() => child.kill('SIGKILL'));
        }
        // A step daemon or job process that outlived its slurmd would wait for it forever.
        for (const p of cluster.leftovers()) {
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    daemon(
      '/usr/sbin/munged',
      [
        '-F',
        '-f',
        `--socket=${join(m, 'munge.sock')}`,
        `--key-file=${join(m, 'munge.key')}`,
        `--log-file=${join(dir, 'log/munged.log')}`,
        `--pid-file=${join(m, 'munged.pid')}`,
        `--seed-file=${join(m, 'munged.seed')}`,
      ],
      'munged.out',
    );
    await until('munged', () => existsSync(join(m, 'munge.sock')), 20_000, logs);
    daemon('/usr/sbin/slurmctld', ['-D', '-i', '-f', conf], 'slurmctld.out');
    await until('slurmctld', () => run('scontrol', ['ping']).stdout?.includes('UP'), 30_000, logs);
    daemon('/usr/sbin/slurmd', ['-D', '-f', conf, '-N', node], 'slurmd.out');
    await until(
      'the node to be idle',
      () => (run('sinfo', ['-h', '-o', '%T']).stdout ?? '').trim() === 'idle',
      60_000,
      logs,
    );
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
