import { hostname } from 'node:os';
import type { Command } from 'commander';
import { registerWithCoordinator, slurmWorkerId } from '@aira/coordinator';
import { ConfigError, checkDirOrAbsent, createLogger, fieldIssues, parseDuration } from '@aira/core';
import { WorkerDaemon, WorkerOptionsSchema, configureDaemonHeap, watchOwner } from '@aira/worker';

interface WorkerFlags {
  gpu?: string;
  listen?: string;
  tokenFile?: string;
  workdir?: string;
  python?: string;
  grace?: string;
  logFile?: string;
  logLevel?: string;
  id?: string;
  maxExecLog?: string;
  execTimeout?: string;
  cancelGrace?: string;
  label?: string[];
  sandbox?: string;
  container?: string;
  cpus?: string;
  memory?: string;
  maxProcesses?: string;
  cgroups?: boolean;
  protect?: string[];
}

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Validates flags with the worker's schema; the first problem becomes one line naming the flag. */
export function parseWorkerFlags(flags: WorkerFlags) {
  const labels: Record<string, string> = {};
  for (const l of flags.label ?? []) {
    const eq = l.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--label "${l}": expected KEY=VALUE`);
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const { label: _label, ...rest } = flags;
  const input = Object.fromEntries(Object.entries({ ...rest, labels }).filter(([, v]) => v !== undefined));
  const result = WorkerOptionsSchema.safeParse(input);
  if (!result.success) {
    const issue = fieldIssues(result.error.issues)[0]!;
    const key = String(issue.path[0] ?? '');
    const given: unknown = (input as Record<string, unknown>)[key];
    throw new ConfigError(
      `${flagName(key)}${given !== undefined ? ` "${typeof given === 'string' ? given : JSON.stringify(given)}"` : ''}: ${issue.message}`,
    );
  }
  return result.data;
}

function flagDuration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new ConfigError(`${flag} "${text}": ${(err as Error).message}`);
  }
}

/** The address a coordinator can dial: a wildcard listen address is announced by this host's name. */
function announcedAddress(bound: string): string {
  const at = bound.lastIndexOf(':');
  const host = bound.slice(0, at);
  return ['0.0.0.0', '[::]', '::', ''].includes(host) ? `${hostname()}:${bound.slice(at + 1)}` : bound;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description(
      'Run a worker daemon (one per GPU, or one CPU slot). Its first stdout line is JSON: ' +
        '{"event":"listening","address":...,"worker_id":...,"token_file":...}',
    )
    .option(
      '--gpu <index>',
      'GPU index or UUID (or a comma list) for CUDA_VISIBLE_DEVICES when no launcher set it',
    )
    .option('--listen <host:port>', 'address to listen on; port 0 picks a free port', '127.0.0.1:0')
    .option('--token-file <file>', 'shared token (made with mode 0600 if missing) (default: <workdir>/token)')
    .option(
      '--workdir <dir>',
      'sessions, exec logs and the generated token (default: a new folder under the temp dir)',
    )
    .option(
      '--python <path>',
      'Python interpreter (or virtualenv python) for candidate code',
      '/usr/bin/python3',
    )
    .option(
      '--grace <duration>',
      'on SIGTERM, how long running execs may finish before they are killed',
      '30s',
    )
    .option('--log-file <file>', 'NDJSON log file (all levels)')
    .option('--log-level <level>', 'terminal log level: trace|debug|info|warn|error|silent', 'info')
    .option('--id <id>', 'worker id (default: a random wrk-... id)')
    .option(
      '--slurm-id',
      'name the worker after its Slurm task: slurm-JOB.STEP.TASK-NODE (what the sbatch script of --workers slurm passes)',
    )
    .option(
      '--max-exec-log <size>',
      "cap of each exec's on-disk output log (e.g. 2GiB); past it output is dropped",
      '2GiB',
    )
    .option(
      '--exec-timeout <duration>',
      'default per-exec timeout, 0 for none (a request can set its own)',
      '0',
    )
    .option('--cancel-grace <duration>', 'time between SIGTERM and SIGKILL when an exec is cancelled', '2s')
    .option(
      '--label <key=value>',
      'label reported by Describe (repeatable)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option(
      '--sandbox <mode>',
      'bubblewrap for candidate code: auto (if it works here, else a loud warning), required, off',
      'auto',
    )
    .option(
      '--container <apptainer:IMAGE>',
      'run candidate code in an Apptainer image instead of bubblewrap (needs apptainer on PATH)',
    )
    .option(
      '--cpus <list>',
      "CPUs for the sessions, e.g. 0-11 (default: the worker's even share on a node with several GPUs)",
    )
    .option(
      '--memory <size>',
      'memory for the sessions together, e.g. 120GB (default: the even share on a node with several GPUs)',
    )
    .option('--max-processes <n>', 'processes (threads included) per session, 0 for none', '8192')
    .option('--no-cgroups', 'do not use cgroups even where writable (limits are then polled from /proc)')
    .option(
      '--protect <path>',
      'a host path candidate code must never see, besides the workdir (repeatable)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option(
      '--coordinator <host:port>',
      "register with a coordinator (Slurm, Kubernetes): announce this worker's address and heartbeat; it dials back with the same token",
    )
    .option(
      '--owner <file>',
      'JSON file {"pid":N,"hostname":H} naming the process this worker serves (a study\'s coordinator.json); the worker shuts down when it has named no live process for --orphan-grace',
    )
    .option(
      '--orphan-grace <duration>',
      'with --owner: how long the worker waits for a new owner (a resumed coordinator) before it shuts down',
      '20s',
    )
    .action(
      async ({
        coordinator,
        owner,
        orphanGrace,
        slurmId,
        ...flags
      }: WorkerFlags & { coordinator?: string; owner?: string; orphanGrace: string; slurmId?: boolean }) => {
        if (coordinator !== undefined && !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(coordinator)) {
          throw new ConfigError(`--coordinator "${coordinator}": expected HOST:PORT`);
        }
        const orphanGraceMs = flagDuration('--orphan-grace', orphanGrace);
        // The coordinator tells Slurm workers apart (and maps them to their jobs) by these ids.
        const fromSlurm = slurmId ? slurmWorkerId() : undefined;
        if (slurmId && !fromSlurm)
          throw new ConfigError('--slurm-id: not in a Slurm job (SLURM_JOB_ID is not set)');
        const options = parseWorkerFlags({ ...flags, id: flags.id ?? fromSlurm });
        if (options.workdir) checkDirOrAbsent(options.workdir, '--workdir');
        const logger = createLogger({ name: 'aira-worker', file: options.logFile, level: options.logLevel });
        configureDaemonHeap();
        const daemon = await WorkerDaemon.start({ options, logger });
        // Machine-readable first line; the log goes to stderr so stdout stays parseable.
        process.stdout.write(`${JSON.stringify(daemon.listeningLine())}\n`);
        logger.info(
          {
            address: daemon.address,
            tokenFile: daemon.tokenFile,
            workdir: daemon.workdir,
            cuda: daemon.host.cudaVisibleDevices,
          },
          'worker listening',
        );
        // Said after the listening line, which scripts read as the first line of the output.
        for (const n of daemon.guard?.notices ?? []) logger[n.level](n.data ?? {}, n.msg);
        const registration = coordinator
          ? registerWithCoordinator({
              coordinator,
              token: daemon.token,
              workerId: daemon.id,
              address: announcedAddress(daemon.address),
              labels: options.labels,
              logger,
            })
          : undefined;
        let signals = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          signals++;
          if (signals === 1) {
            logger.info({ signal, graceMs: options.grace }, 'shutting down: draining');
            void daemon.shutdown();
          } else {
            logger.warn({ signal }, 'second signal: forcing shutdown');
            daemon.force();
          }
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
        process.on('SIGHUP', onSignal);
        const watch = owner
          ? watchOwner(owner, orphanGraceMs, (why) => {
              logger.warn(
                { owner, why, graceMs: orphanGraceMs },
                'the coordinator this worker serves is gone: shutting down',
              );
              onSignal('SIGTERM');
            })
          : undefined;
        await daemon.stopped;
        watch?.stop();
        registration?.stop();
        logger.info('worker stopped');
        // Nothing the worker owns is left; exit now rather than wait for stdio handles to let go.
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
        process.exit(0);
      },
    );
}
