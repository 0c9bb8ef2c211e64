import { z } from 'zod';
import { DIRECTIONS, zDuration } from '@aira/core';

/**
 * Every parameter of a study, one zod schema (strict: an unknown key is an error naming it).
 * Defaults are the paper's (docs/paper.md §Search) where the paper gives one.
 */

export const POLICIES = ['evolution', 'greedy', 'best-of-k'] as const;
export type PolicyName = (typeof POLICIES)[number];

const positiveInt = z.number().int().positive();
const probability = z.number().min(0).max(1);

export const SearchConfig = z.strictObject({
  policy: z.enum(POLICIES).default('evolution'),
  /** Drafts until this many valid candidates exist (evolution); 'auto' = the number of workers. */
  initialPopulation: z.union([positiveInt, z.literal('auto')]).default('auto'),
  /** docs/paper.md §Search: crossover with probability 0.15, otherwise mutation of one parent. */
  crossoverProbability: probability.default(0.15),
  /** docs/paper.md §Selection: rank weight (N − r + 1)^(1/T), T = 0.2. */
  temperature: z.number().positive().default(0.2),
  /**
   * Probability of a debug job on a failed leaf when one exists under the depth limit.
   * Unset: 0 for evolution (ReAct jobs debug inside their own trajectory, docs/paper.md §ReAct),
   * 1 for greedy (AIDE's MLE-bench setting, docs/paper.md §Operators).
   */
  debugProbability: probability.optional(),
  /** Longest chain of debug jobs from a failed candidate. Unset: 3 (evolution), 20 (greedy). */
  maxDebugDepth: z.number().int().nonnegative().optional(),
  /** Greedy: root drafts before improving (AIDE num_drafts = 5, docs/paper.md §Operators). */
  numDrafts: positiveInt.default(5),
});

export const BudgetConfig = z.strictObject({
  /** Global wall clock, counted as the coordinator's active time (a crash's downtime is not). */
  wallClock: zDuration.default(72 * 3_600_000),
  /** Cap on each code execution (docs/paper.md §Workers: 9 h). */
  perExec: zDuration.default(9 * 3_600_000),
  /** Stop proposing jobs after this many (each job yields one candidate). */
  maxJobs: positiveInt.optional(),
  /** LLM spending cap in USD, reported by agents through the cost hook. */
  costUsd: z.number().nonnegative().optional(),
  /** LLM spending cap of the whole study (all its runs) in USD. */
  studyCostUsd: z.number().nonnegative().optional(),
  /** Most USD of LLM spending in any hour of wall-clock time; calls wait beyond it. */
  costPerHour: z.number().positive().optional(),
});

export const WorkersConfig = z.strictObject({
  /**
   * Where workers come from, any mix of: `local` (one per GPU, else 2 CPU slots), `local:N`,
   * `hosts:FILE` (host:port per line), `register:HOST:PORT` (serve CoordinatorService there and
   * dial back whoever registers), `slurm[:N]` (N Slurm jobs of workers that register; see `slurm`).
   */
  spec: z.array(z.string().min(1)).min(1).default(['local']),
  /** Shared token file for every worker; default `<study>/token` (made when missing). */
  tokenFile: z.string().optional(),
  /** A worker that has not answered for this long is lost; its job is re-run elsewhere. */
  lease: zDuration.default(60_000),
  /** How often each worker is probed (Describe) and how often registered workers heartbeat. */
  heartbeat: zDuration.default(5_000),
  /** Deadline of control calls (open/close session, cancel, describe). */
  callDeadline: zDuration.default(30_000),
  /**
   * Sessions each worker keeps open ahead for its next jobs (docs/dispatch.md). Two keep a short
   * job from waiting for one still opening; each holds its own copy of the run's files.
   */
  spares: z.number().int().min(0).max(8).default(2),
  /** How long to wait for the first worker before giving up. */
  waitFor: zDuration.default(120_000),
  /** Keep local worker daemons running after the study ends (they are stopped by default). */
  keepLocal: z.boolean().default(false),
});

const SLURM_NAME = /^[A-Za-z0-9_.,:+-]+$/;
const slurmName = (what: string) =>
  z.string().regex(SLURM_NAME, `${what}: letters, digits and _ . , : + - only`);

/**
 * Workers as Slurm jobs (`--workers slurm[:N]`): N jobs (default 1), each `nodes` nodes with one
 * `aira worker` per GPU (or `slotsPerNode` CPU slots), started by `srun` and phoning home to the
 * coordinator. Every field becomes a line of the sbatch script (`aira run --print-sbatch`).
 */
export const SlurmConfig = z.strictObject({
  partition: slurmName('a partition name').optional(),
  account: slurmName('an account name').optional(),
  qos: slurmName('a QoS name').optional(),
  /** Slurm's own time syntax: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
  time: z
    .string()
    .regex(
      /^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+|\d+-\d+:\d{2}|\d+-\d+:\d{2}:\d{2})$/,
      'a Slurm time limit such as 90 (minutes), 12:00:00 or 3-00:00:00',
    )
    .optional(),
  nodes: positiveInt.default(1),
  /** GPUs per node, one worker each; 0: CPU slots. */
  gpusPerNode: z.number().int().nonnegative().default(0),
  /** A GRES request instead of gpusPerNode (e.g. gpu:a100:8); workers per node then come from slotsPerNode. */
  gres: slurmName('a GRES such as gpu:a100:8').optional(),
  /** Workers per node; default gpusPerNode, or 1 CPU slot on CPU-only nodes. */
  slotsPerNode: positiveInt.optional(),
  /** CPUs of each worker (the paper: 12 per GPU). */
  cpusPerGpu: positiveInt.optional(),
  /** Memory of each worker, e.g. 120G (the paper: 120 GB per GPU). */
  memPerGpu: z
    .string()
    .regex(/^\d+[KMGT]?$/i, 'a Slurm size such as 120G or 64000M')
    .optional(),
  /** A prefix for the worker command, e.g. `apptainer exec --nv /images/aira.sif`. */
  container: z.string().optional(),
  /** More sbatch options, one per entry (`--constraint=a100` or a whole `#SBATCH ...` line). */
  sbatch: z.array(z.string().min(1)).default([]),
  /** An sbatch template of your own (start from `aira run --print-sbatch`); {{...}} fields are filled at submission. */
  template: z.string().optional(),
  jobName: slurmName('a job name').default('aira-worker'),
  /** Where the coordinator serves registration; workers dial `advertise` (default this host's name) at its port. */
  listen: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'HOST:PORT')
    .default('0.0.0.0:0'),
  advertise: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/, 'a host name or address')
    .optional(),
  /** Where each worker listens (its node's address is announced when this is a wildcard). */
  workerListen: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'HOST:PORT')
    .default('0.0.0.0:0'),
  /** More `aira worker` flags, e.g. ["--python", "/opt/venv/bin/python"]. */
  workerArgs: z.array(z.string()).default([]),
  /** On SIGTERM (preemption, time limit, scancel) a worker's running execs get this long to finish. */
  grace: zDuration.default(30_000),
  /** How often squeue is asked about the study's jobs. */
  poll: zDuration.default(15_000),
  /** Submissions in all, replacements of lost jobs included; default three times the jobs asked for. */
  maxSubmissions: positiveInt.optional(),
});

/**
 * The `agent` section: which agent drives each job. Everything else in it belongs to that agent,
 * whose registry entry validates it (`configSchema`); the coordinator reads only the name.
 */
export const AgentConfig = z.looseObject({
  /** `script` ships here; `react`, `operators` and `template` are registered by their packages. */
  name: z.string().min(1).default('script'),
});

/** A section owned by registered agents (the LLM agents' `llm`): validated by their schemas. */
const AgentOwnedSection = z.record(z.string(), z.unknown());

/** The study's folder of studies when no layer names one (`--out`, AIRA_OUT, `out:`). */
export const DEFAULT_OUT = 'runs';

/**
 * The folder that holds studies for commands that take only `--out` (status, show, stop, report,
 * serve, ablate, resume): the flag, else AIRA_OUT, else the default, as `aira run` resolves `out`.
 */
export function studiesDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.AIRA_OUT || DEFAULT_OUT);
}

const RunConfigFields = z.strictObject({
  /** A suite name (resolved by the competitions package when present). */
  suite: z.string().optional(),
  competitions: z.array(z.string().min(1)).default([]),
  /** One run per (competition, seed). */
  seeds: z.array(z.number().int().nonnegative()).min(1).default([0]),
  out: z.string().default(DEFAULT_OUT),
  /** Whether a higher fitness is better; HCE takes it from the competition instead. */
  direction: z.enum(DIRECTIONS).default('maximize'),
  /** `auto`: HCE when a competition is given and the HCE evaluator is registered, else self-reported. */
  hce: z.enum(['auto', 'on', 'off']).default('auto'),
  agent: AgentConfig.default(AgentConfig.parse({})),
  llm: AgentOwnedSection.default({}),
  search: SearchConfig.default(SearchConfig.parse({})),
  budget: BudgetConfig.default(BudgetConfig.parse({})),
  workers: WorkersConfig.default(WorkersConfig.parse({})),
  slurm: SlurmConfig.default(SlurmConfig.parse({})),
  /** Time cut-offs (active time) at which the final pick is evaluated from the journal. */
  checkpoints: z.array(zDuration).default([3, 12, 24, 72].map((h) => h * 3_600_000)),
  /** Free-form labels written to the manifest (e.g. the ablation variant). */
  labels: z.record(z.string(), z.string()).default({}),
});

/** The run config's own top-level keys; registry entries may own more (see config/sections.ts). */
export const RUN_CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(RunConfigFields.shape));

/** Every setting at its default (what `--help` shows), before the cross-field checks. */
export function runConfigDefaults(): z.output<typeof RunConfigFields> {
  return RunConfigFields.parse({});
}

export const RunConfig = RunConfigFields.superRefine((cfg, ctx) => {
  if (cfg.suite && cfg.competitions.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['suite'],
      message: 'give either a suite or competitions, not both',
    });
  }
});

export type RunConfig = z.output<typeof RunConfig>;
export type RunConfigInput = z.input<typeof RunConfig>;
export type SearchConfig = z.output<typeof SearchConfig>;
export type BudgetConfig = z.output<typeof BudgetConfig>;
export type WorkersConfig = z.output<typeof WorkersConfig>;
export type SlurmConfig = z.output<typeof SlurmConfig>;
export type AgentConfig = z.output<typeof AgentConfig>;

/** Search parameters with each policy's own defaults filled in. */
export interface ResolvedSearch {
  policy: PolicyName;
  initialPopulation: number;
  crossoverProbability: number;
  temperature: number;
  debugProbability: number;
  maxDebugDepth: number;
  numDrafts: number;
}

export function resolveSearch(search: SearchConfig, workerSlots: number): ResolvedSearch {
  const greedy = search.policy === 'greedy';
  return {
    policy: search.policy,
    initialPopulation:
      search.initialPopulation === 'auto' ? Math.max(1, workerSlots) : search.initialPopulation,
    crossoverProbability: search.crossoverProbability,
    temperature: search.temperature,
    debugProbability: search.debugProbability ?? (greedy ? 1 : 0),
    maxDebugDepth: search.maxDebugDepth ?? (greedy ? 20 : 3),
    numDrafts: search.numDrafts,
  };
}
