import { ConfigError, readTextFile } from '@aira/core';
import type { SlurmConfig } from '../config/schema.js';

/**
 * The sbatch script of a worker job. Users print it (`aira run --print-sbatch`), edit it and give
 * it back (`slurm.template`); `{{field}}`s are filled at submission. The allocation is
 * `nodes` × `slotsPerNode` tasks; one `srun` starts one `aira worker` per task, and Slurm gives each
 * task its own GPU (CUDA_VISIBLE_DEVICES, never renumbered by aira).
 */
export const DEFAULT_SBATCH_TEMPLATE = `#!/bin/bash
# An aira worker job: one \`aira worker\` per GPU (or CPU slot) of the allocation, each phoning home
# to the coordinator, which dials it back with the shared token. Print it with
# \`aira run --print-sbatch\`, edit it, and use it with --sbatch-template FILE: aira fills the
# {{...}} fields when it submits.
#SBATCH --job-name={{job_name}}
#SBATCH --output={{log_dir}}/%x-%j.out
{{sbatch}}

# Slurm sends SIGTERM before preemption, at the time limit and on scancel; srun passes it on and
# each worker drains within --grace. Workers name themselves after SLURM_JOB_ID, SLURM_STEP_ID,
# SLURM_PROCID and the node.
srun {{srun}} {{container}} {{aira}} worker --slurm-id \\
  --coordinator {{coordinator}} \\
  --listen {{listen}} \\
  --token-file {{token_file}} \\
  --grace {{grace}} {{worker_args}}
`;

/** Fields only known when a job is submitted; `--print-sbatch` leaves them as they are. */
export const RUNTIME_FIELDS = ['coordinator', 'token_file', 'log_dir'] as const;

const quote = (s: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Workers per node: GPUs per node, else the CPU slots asked for (1). */
export function slotsPerNode(cfg: SlurmConfig): number {
  return cfg.slotsPerNode ?? (cfg.gpusPerNode > 0 ? cfg.gpusPerNode : 1);
}

export function workersPerJob(cfg: SlurmConfig): number {
  return cfg.nodes * slotsPerNode(cfg);
}

function megabytes(size: string): number {
  const m = /^(\d+)([KMGT]?)$/i.exec(size)!;
  const unit = { '': 1, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 }[
    m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'
  ];
  return Math.max(1, Math.floor(Number(m[1]) * unit));
}

/** The `#SBATCH` lines the config asks for. */
export function sbatchLines(cfg: SlurmConfig): string[] {
  const gpus = cfg.gpusPerNode > 0 || cfg.gres !== undefined;
  const lines = [`--nodes=${cfg.nodes}`, `--ntasks-per-node=${slotsPerNode(cfg)}`];
  if (cfg.partition) lines.push(`--partition=${cfg.partition}`);
  if (cfg.account) lines.push(`--account=${cfg.account}`);
  if (cfg.qos) lines.push(`--qos=${cfg.qos}`);
  if (cfg.time) lines.push(`--time=${cfg.time}`);
  if (cfg.gres) lines.push(`--gres=${cfg.gres}`);
  else if (cfg.gpusPerNode > 0) lines.push(`--gpus-per-node=${cfg.gpusPerNode}`);
  if (cfg.cpusPerGpu) lines.push(`--cpus-per-task=${cfg.cpusPerGpu}`);
  if (cfg.memPerGpu) {
    // Per GPU where there are GPUs; on CPU slots, the same memory per task, spread over its CPUs.
    lines.push(
      gpus
        ? `--mem-per-gpu=${cfg.memPerGpu}`
        : `--mem-per-cpu=${Math.max(1, Math.floor(megabytes(cfg.memPerGpu) / (cfg.cpusPerGpu ?? 1)))}M`,
    );
  }
  const out = lines.map((l) => `#SBATCH ${l}`);
  cfg.sbatch.forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('#SBATCH ')) out.push(line);
    else if (/^--?[A-Za-z]/.test(line) && !line.includes('\n')) out.push(`#SBATCH ${line}`);
    else
      throw new ConfigError(
        `slurm.sbatch[${i}]: "${raw}" is not an sbatch option (e.g. --constraint=a100) nor an #SBATCH line`,
      );
  });
  return out;
}

/** Fills the fields the config decides; runtime fields stay for `fillRuntime`. */
export function configFields(cfg: SlurmConfig, aira: string[]): Record<string, string> {
  const gpus = cfg.gpusPerNode > 0 || cfg.gres !== undefined;
  return {
    job_name: cfg.jobName,
    sbatch: sbatchLines(cfg).join('\n'),
    srun: ['--kill-on-bad-exit=0', ...(gpus ? ['--gpus-per-task=1'] : [])].join(' '),
    container: cfg.container ?? '',
    aira: aira.map(quote).join(' '),
    listen: quote(cfg.workerListen),
    grace: `${Math.max(1, Math.round(cfg.grace / 1000))}s`,
    worker_args: cfg.workerArgs.map(quote).join(' '),
  };
}

export function fill(template: string, fields: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, key: string) =>
    key in fields ? fields[key]! : whole,
  );
}

/** The template in use: the user's file or the default. */
export function sbatchTemplate(cfg: SlurmConfig): { text: string; source: string } {
  if (!cfg.template) return { text: DEFAULT_SBATCH_TEMPLATE, source: 'the default sbatch template' };
  return { text: readTextFile(cfg.template, 'sbatch template (slurm.template)'), source: cfg.template };
}

/** The script as `--print-sbatch` shows it: config filled in, runtime fields left for submission. */
export function printableSbatch(cfg: SlurmConfig, aira: string[]): string {
  return fill(sbatchTemplate(cfg).text, configFields(cfg, aira));
}

/** The script to submit; a field nobody fills is an error naming the template's line. */
export function renderSbatch(
  cfg: SlurmConfig,
  aira: string[],
  runtime: { coordinator: string; tokenFile: string; logDir: string },
): string {
  const { text, source } = sbatchTemplate(cfg);
  const fields = {
    ...configFields(cfg, aira),
    coordinator: quote(runtime.coordinator),
    token_file: quote(runtime.tokenFile),
    log_dir: quote(runtime.logDir),
  };
  const lines = text.split('\n');
  if (!lines[0]?.startsWith('#!'))
    throw new ConfigError(
      `${source}:1: an sbatch script starts with #! and an interpreter, e.g. #!/bin/bash`,
    );
  lines.forEach((line, i) => {
    const left = /\{\{\s*([a-z_]+)\s*\}\}/.exec(fill(line, fields));
    if (left)
      throw new ConfigError(
        `${source}:${i + 1}: unknown field {{${left[1]}}} (known: ${Object.keys(fields).join(', ')})`,
      );
  });
  return fill(text, fields);
}

/** The id a worker started by Slurm gives itself: `slurm-<job>.<step>.<task>-<node>`. */
export function slurmWorkerId(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const job = env.SLURM_JOB_ID;
  if (!job || !/^\d+$/.test(job)) return undefined;
  const clean = (s: string | undefined) => (s ?? '').replace(/[^A-Za-z0-9._:-]/g, '');
  const node = clean(env.SLURMD_NODENAME);
  return `slurm-${job}.${clean(env.SLURM_STEP_ID) || 'batch'}.${clean(env.SLURM_PROCID) || '0'}${node ? `-${node}` : ''}`;
}

/** The Slurm job a worker belongs to, from the id it gave itself. */
export function slurmJobOfWorker(workerId: string): string | undefined {
  return /^slurm-(\d+)\./.exec(workerId)?.[1];
}
