import type { ValueType } from './layers.js';

/**
 * Every settable field of RunConfig: its path, value type, the `aira run` flag and the AIRA_*
 * environment variable that set it. One table, so flags, env and `--set` agree.
 */
export interface FieldSpec {
  path: string;
  type: ValueType;
  /** commander flag text, e.g. '--budget <duration>' */
  flag?: string;
  env?: string;
  /** Repeatable flag: each use appends (lists). */
  repeat?: boolean;
  /** A duration: written with a unit ("90s", "72h"), resolved to milliseconds. */
  duration?: boolean;
  help: string;
}

/** The coordinator's own settings; agents and evaluators add theirs through their registry entries. */
export const FIELDS: FieldSpec[] = [
  {
    path: 'suite',
    type: 'string',
    flag: '--suite <name>',
    env: 'AIRA_SUITE',
    help: 'run every competition of a suite',
  },
  {
    path: 'competitions',
    type: 'list',
    flag: '--competition <id>',
    env: 'AIRA_COMPETITIONS',
    repeat: true,
    help: 'a competition to run (repeatable)',
  },
  {
    path: 'seeds',
    type: 'numberList',
    flag: '--seeds <list>',
    env: 'AIRA_SEEDS',
    help: 'run seeds, comma separated (one run per competition and seed)',
  },
  { path: 'out', type: 'string', flag: '--out <dir>', env: 'AIRA_OUT', help: 'folder that holds studies' },
  {
    path: 'direction',
    type: 'string',
    flag: '--direction <maximize|minimize>',
    env: 'AIRA_DIRECTION',
    help: 'whether a higher self-reported score is better',
  },
  {
    path: 'hce',
    type: 'string',
    flag: '--hce <auto|on|off>',
    env: 'AIRA_HCE',
    help: 'hidden consistent evaluation (off: self-reported scores)',
  },
  {
    path: 'agent.name',
    type: 'string',
    flag: '--agent <name>',
    env: 'AIRA_AGENT',
    help: 'what drives each job (script, ...)',
  },
  {
    path: 'search.policy',
    type: 'string',
    flag: '--policy <name>',
    env: 'AIRA_POLICY',
    help: 'evolution | greedy | best-of-k',
  },
  {
    path: 'search.initialPopulation',
    type: 'number',
    flag: '--initial-population <n>',
    help: 'valid drafts before evolution starts (default: number of workers)',
  },
  {
    path: 'search.crossoverProbability',
    type: 'number',
    flag: '--crossover-prob <p>',
    help: 'evolution: probability of a crossover job',
  },
  {
    path: 'search.temperature',
    type: 'number',
    flag: '--temperature <t>',
    help: 'evolution: rank selection temperature T',
  },
  {
    path: 'search.debugProbability',
    type: 'number',
    flag: '--debug-prob <p>',
    help: 'probability of debugging a failed leaf',
  },
  {
    path: 'search.maxDebugDepth',
    type: 'number',
    flag: '--max-debug-depth <n>',
    help: 'longest chain of debug jobs',
  },
  {
    path: 'search.numDrafts',
    type: 'number',
    flag: '--num-drafts <n>',
    help: 'greedy: drafts before improving',
  },
  {
    path: 'budget.wallClock',
    type: 'string',
    flag: '--budget <duration>',
    env: 'AIRA_BUDGET',
    help: 'global wall clock of active time, e.g. 90s, 10m, 72h',
  },
  {
    path: 'budget.perExec',
    type: 'string',
    flag: '--exec-timeout <duration>',
    env: 'AIRA_EXEC_TIMEOUT',
    help: 'cap on each code execution',
  },
  {
    path: 'budget.maxJobs',
    type: 'number',
    flag: '--max-jobs <n>',
    env: 'AIRA_MAX_JOBS',
    help: 'stop after this many jobs per run',
  },
  {
    path: 'budget.costUsd',
    type: 'number',
    flag: '--cost-cap <usd>',
    env: 'AIRA_COST_CAP',
    help: 'LLM spending cap per run in USD',
  },
  {
    path: 'budget.studyCostUsd',
    type: 'number',
    flag: '--study-cost-cap <usd>',
    env: 'AIRA_STUDY_COST_CAP',
    help: 'LLM spending cap of the whole study in USD',
  },
  {
    path: 'budget.costPerHour',
    type: 'number',
    flag: '--cost-per-hour <usd>',
    env: 'AIRA_COST_PER_HOUR',
    help: 'most LLM spending in any hour; calls wait beyond it',
  },
  {
    path: 'workers.spec',
    type: 'list',
    flag: '--workers <spec>',
    env: 'AIRA_WORKERS',
    repeat: true,
    help: 'local[:N] | hosts:FILE | register:HOST:PORT | slurm[:N] (repeatable or comma separated)',
  },
  {
    path: 'workers.tokenFile',
    type: 'string',
    flag: '--token-file <file>',
    env: 'AIRA_TOKEN_FILE',
    help: 'shared worker token file',
  },
  {
    path: 'workers.lease',
    type: 'string',
    flag: '--lease <duration>',
    env: 'AIRA_LEASE',
    help: 'silence after which a worker is lost',
  },
  {
    path: 'workers.heartbeat',
    type: 'string',
    flag: '--heartbeat <duration>',
    help: 'worker probe / heartbeat interval',
  },
  { path: 'workers.callDeadline', type: 'string', help: 'deadline of control calls' },
  { path: 'workers.waitFor', type: 'string', help: 'how long to wait for the first worker' },
  {
    path: 'workers.spares',
    type: 'number',
    help: 'sessions each worker keeps open ahead for its next jobs',
  },
  {
    path: 'workers.keepLocal',
    type: 'boolean',
    flag: '--keep-workers',
    help: 'leave local worker daemons running at the end',
  },
  {
    path: 'slurm.partition',
    type: 'string',
    flag: '--partition <name>',
    env: 'AIRA_SLURM_PARTITION',
    help: 'slurm: partition of the worker jobs',
  },
  {
    path: 'slurm.account',
    type: 'string',
    flag: '--account <name>',
    env: 'AIRA_SLURM_ACCOUNT',
    help: 'slurm: account charged',
  },
  {
    path: 'slurm.qos',
    type: 'string',
    flag: '--qos <name>',
    env: 'AIRA_SLURM_QOS',
    help: 'slurm: quality of service',
  },
  {
    path: 'slurm.time',
    type: 'string',
    flag: '--time-limit <time>',
    env: 'AIRA_SLURM_TIME',
    help: 'slurm: time limit of each worker job (Slurm syntax, e.g. 3-00:00:00)',
  },
  { path: 'slurm.nodes', type: 'number', flag: '--nodes <n>', help: 'slurm: nodes per worker job (1)' },
  {
    path: 'slurm.gpusPerNode',
    type: 'number',
    flag: '--gpus-per-node <n>',
    help: 'slurm: GPUs per node, one worker each (0: CPU slots)',
  },
  {
    path: 'slurm.gres',
    type: 'string',
    flag: '--gres <gres>',
    help: 'slurm: GRES request instead of --gpus-per-node, e.g. gpu:a100:8',
  },
  {
    path: 'slurm.slotsPerNode',
    type: 'number',
    flag: '--slots-per-node <n>',
    help: 'slurm: workers per node (default: GPUs per node, or 1)',
  },
  {
    path: 'slurm.cpusPerGpu',
    type: 'number',
    flag: '--cpus-per-gpu <n>',
    help: 'slurm: CPUs of each worker',
  },
  {
    path: 'slurm.memPerGpu',
    type: 'string',
    flag: '--mem-per-gpu <size>',
    help: 'slurm: memory of each worker, e.g. 120G',
  },
  {
    path: 'slurm.container',
    type: 'string',
    flag: '--container-wrapper <cmd>',
    help: 'slurm: prefix of the worker command, e.g. "apptainer exec --nv img.sif"',
  },
  {
    path: 'slurm.sbatch',
    type: 'list',
    flag: '--sbatch <option>',
    repeat: true,
    help: 'slurm: another sbatch option, e.g. --constraint=a100 (repeatable)',
  },
  {
    path: 'slurm.template',
    type: 'string',
    flag: '--sbatch-template <file>',
    env: 'AIRA_SBATCH_TEMPLATE',
    help: 'slurm: your own sbatch template (start from --print-sbatch)',
  },
  {
    path: 'slurm.listen',
    type: 'string',
    help: 'slurm: where the coordinator serves registration (0.0.0.0:0)',
  },
  { path: 'slurm.advertise', type: 'string', help: 'slurm: host name workers dial (default: this host)' },
  {
    path: 'slurm.workerListen',
    type: 'string',
    flag: '--worker-listen <host:port>',
    help: "slurm: where each worker listens (0.0.0.0:0: any address, announced by the node's name)",
  },
  { path: 'slurm.workerArgs', type: 'list', help: 'slurm: more aira worker flags' },
  {
    path: 'slurm.grace',
    type: 'string',
    flag: '--grace <duration>',
    help: "slurm: a worker's drain time on SIGTERM (30s)",
  },
  { path: 'slurm.poll', type: 'string', help: 'slurm: squeue interval (15s)' },
  { path: 'slurm.maxSubmissions', type: 'number', help: 'slurm: most submissions, replacements included' },
  {
    path: 'checkpoints',
    type: 'list',
    flag: '--checkpoints <list>',
    help: 'time cut-offs, e.g. 3h,12h,24h,72h',
  },
  {
    path: 'labels',
    type: 'record',
    flag: '--label <key=value>',
    repeat: true,
    help: 'label written to the manifest (repeatable)',
  },
];

/** The `script` agent's settings (its registry entry adds them). */
export const SCRIPT_FIELDS: FieldSpec[] = [
  {
    path: 'agent.script',
    type: 'string',
    flag: '--script <file>',
    env: 'AIRA_SCRIPT',
    help: "script agent: the file run as every job's solution",
  },
  {
    path: 'agent.interpreter',
    type: 'string',
    flag: '--interpreter <cmd>',
    env: 'AIRA_INTERPRETER',
    help: 'script agent: command that runs the script',
  },
];

/** The coordinator's settings that are durations: written with a unit ("90s", "72h"); resolved to milliseconds. */
export const DURATION_PATHS = new Set([
  'budget.wallClock',
  'budget.perExec',
  'workers.lease',
  'workers.heartbeat',
  'workers.callDeadline',
  'workers.waitFor',
]);

/** The duration settings among `fields` (the coordinator's and those its registry entries add). */
export function durationPaths(fields: readonly FieldSpec[]): Set<string> {
  return new Set([...DURATION_PATHS, ...fields.filter((f) => f.duration).map((f) => f.path)]);
}

export const FIELD_BY_PATH = new Map(FIELDS.map((f) => [f.path, f]));

/** Attribute name commander gives a flag: '--crossover-prob <p>' → 'crossoverProb'. */
export function flagAttribute(flag: string): string {
  const long = flag.split(/[ ,]/)[0]!.replace(/^--/, '');
  return long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function flagName(flag: string): string {
  return flag.split(/[ ,]/)[0]!;
}
