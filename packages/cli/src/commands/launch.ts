import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, dottedPath, fieldIssues, readYaml } from '@aira/core';
import {
  FIELDS,
  SlurmConfig,
  flagAttribute,
  printableSbatch,
  renderSbatch,
  sbatch,
  workersPerJob,
} from '@aira/coordinator';
import { airaCommand } from '../launcher.js';

/** The bin the nodes run (`aira worker`): this very command. */

const SLURM_FIELDS = FIELDS.filter((f) => f.path.startsWith('slurm.') && f.flag);
const collect = (v: string, acc: string[] = []) => [...acc, v];

interface LaunchFlags extends Record<string, unknown> {
  coordinator?: string;
  tokenFile?: string;
  jobs: string;
  config?: string;
  logDir: string;
  printSbatch?: boolean;
}

/** The `slurm` section: the config file's, flags over it; a bad value is one line naming its flag. */
function slurmConfig(flags: LaunchFlags): SlurmConfig {
  const input: Record<string, unknown> = {};
  const file = flags.config ? readYaml(flags.config, 'config file', 'config') : null;
  Object.assign(input, (file?.values as { slurm?: Record<string, unknown> } | null)?.slurm ?? {});
  for (const f of SLURM_FIELDS) {
    const v = flags[flagAttribute(f.flag!)];
    if (v === undefined) continue;
    const key = f.path.slice('slurm.'.length);
    input[key] = f.type === 'number' ? Number(v) : v;
  }
  const r = SlurmConfig.safeParse(input);
  if (!r.success) {
    const issue = fieldIssues(r.error.issues, { prefix: ['slurm'] })[0]!;
    const path = issue.path.map(String);
    const field = SLURM_FIELDS.find((f) => f.path === `slurm.${path[1]}`);
    const where =
      field && flags[flagAttribute(field.flag!)] !== undefined
        ? `${field.flag!.split(' ')[0]} "${String(flags[flagAttribute(field.flag!)])}"`
        : file
          ? `${file.file}:${file.lineOf(path)}: ${dottedPath(path)}`
          : dottedPath(path);
    throw new ConfigError(`${where}: ${issue.message}`);
  }
  return r.data;
}

export function register(program: Command): void {
  const launch = program
    .command('launch')
    .description(
      'Start workers alone on a cluster, for a coordinator that takes registrations (aira run --workers register:HOST:PORT)',
    );
  const cmd = launch
    .command('slurm')
    .description(
      'Submit Slurm jobs whose workers (one per GPU or CPU slot) register with --coordinator; prints the job ids. You cancel them (scancel) when done.',
    )
    .option('--coordinator <host:port>', 'where the workers register (the address aira run printed)')
    .option('--token-file <file>', "the coordinator's token file, on a filesystem the nodes see")
    .option('--jobs <n>', 'jobs to submit', '1')
    .option('--config <file>', 'YAML or JSON file whose slurm: section sets the allocation')
    .option('--log-dir <dir>', "where the scripts and the jobs' output go", 'slurm-workers')
    .option(
      '--print-sbatch',
      'print the sbatch script (to edit and reuse with --sbatch-template), then exit',
    );
  for (const f of SLURM_FIELDS) {
    if (f.repeat) cmd.option(f.flag!, f.help.replace(/^slurm: /, ''), collect);
    else cmd.option(f.flag!, f.help.replace(/^slurm: /, ''));
  }
  cmd.action(async (flags: LaunchFlags) => {
    const cfg = slurmConfig(flags);
    const aira = airaCommand();
    if (flags.printSbatch) {
      process.stdout.write(printableSbatch(cfg, aira));
      return;
    }
    if (!flags.coordinator || !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(flags.coordinator))
      throw new ConfigError(`--coordinator ${flags.coordinator ?? '(missing)'}: expected HOST:PORT`);
    if (!flags.tokenFile) throw new ConfigError('--token-file: missing (the token the coordinator accepts)');
    const jobs = Number(flags.jobs);
    if (!Number.isInteger(jobs) || jobs < 1)
      throw new ConfigError(`--jobs ${flags.jobs}: expected a positive whole number`);
    const dir = resolve(flags.logDir);
    mkdirSync(dir, { recursive: true });
    const script = join(dir, `workers-${Date.now()}.sbatch`);
    writeFileSync(
      script,
      renderSbatch(cfg, aira, {
        coordinator: flags.coordinator,
        tokenFile: resolve(flags.tokenFile),
        logDir: dir,
      }),
      { mode: 0o755 },
    );
    for (let i = 0; i < jobs; i++) {
      const id = await sbatch(script, `worker job ${i}`);
      process.stdout.write(`${id}\n`);
    }
    process.stderr.write(
      `${jobs} job(s) of ${workersPerJob(cfg)} worker(s) submitted (${script}); cancel them with scancel when the study ends\n`,
    );
  });
}
