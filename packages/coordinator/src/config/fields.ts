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
  help: string;
}

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
  {
    path: 'agent.maxSteps',
    type: 'number',
    flag: '--max-steps <n>',
    env: 'AIRA_MAX_STEPS',
    help: 'LLM agents: most steps (LLM turns) of one job',
  },
  {
    path: 'agent.maxTokens',
    type: 'number',
    flag: '--job-tokens <n>',
    env: 'AIRA_JOB_TOKENS',
    help: 'LLM agents: most tokens one job may use',
  },
  {
    path: 'agent.jobTime',
    type: 'string',
    flag: '--job-time <duration>',
    env: 'AIRA_JOB_TIME',
    help: 'LLM agents: wall-clock limit of one job',
  },
  {
    path: 'agent.fileTools',
    type: 'boolean',
    flag: '--file-tools',
    help: 'react: also offer read_file, write_file and edit_file',
  },
  {
    path: 'agent.outputChars',
    type: 'number',
    flag: '--output-chars <n>',
    help: 'LLM agents: characters of command output shown to the model',
  },
  {
    path: 'agent.prompts',
    type: 'string',
    flag: '--prompts <version|dir>',
    env: 'AIRA_PROMPTS',
    help: 'LLM agents: prompt templates (v1, or a folder)',
  },
  {
    path: 'llm.baseUrl',
    type: 'string',
    flag: '--llm-base-url <url>',
    env: 'AIRA_LLM_BASE_URL',
    help: 'OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, OpenAI)',
  },
  {
    path: 'llm.model',
    type: 'string',
    flag: '--model <name>',
    env: 'AIRA_MODEL',
    help: 'model name sent to the endpoint',
  },
  {
    path: 'llm.apiKeyEnv',
    type: 'string',
    flag: '--llm-api-key-env <var>',
    env: 'AIRA_LLM_API_KEY_ENV',
    help: 'NAME of the env var holding the API key',
  },
  { path: 'llm.temperature', type: 'number', flag: '--llm-temperature <t>', help: 'sampling temperature' },
  { path: 'llm.topP', type: 'number', flag: '--llm-top-p <p>', help: 'nucleus sampling top_p' },
  {
    path: 'llm.maxOutputTokens',
    type: 'number',
    flag: '--llm-max-tokens <n>',
    help: 'longest reply of one call',
  },
  {
    path: 'llm.maxTokensField',
    type: 'string',
    flag: '--llm-max-tokens-field <auto|max_tokens|max_completion_tokens>',
    help: 'request field of the reply length (auto)',
  },
  {
    path: 'llm.contextTokens',
    type: 'number',
    flag: '--context-tokens <n>',
    env: 'AIRA_CONTEXT_TOKENS',
    help: "the model's context length (default: from the endpoint's model list)",
  },
  {
    path: 'llm.sendReasoning',
    type: 'boolean',
    flag: '--send-reasoning',
    help: "send a reasoning model's earlier thinking back to it",
  },
  {
    path: 'llm.toolProtocol',
    type: 'string',
    flag: '--tool-protocol <auto|native|text>',
    env: 'AIRA_TOOL_PROTOCOL',
    help: 'native tool calls, fenced ```tool blocks, or auto',
  },
  { path: 'llm.timeout', type: 'string', flag: '--llm-timeout <duration>', help: 'per-call timeout' },
  {
    path: 'llm.maxRetries',
    type: 'number',
    flag: '--llm-retries <n>',
    help: 'retries on 429, 5xx and timeouts',
  },
  { path: 'llm.retryBase', type: 'string', help: 'first retry delay without Retry-After' },
  {
    path: 'llm.concurrency',
    type: 'number',
    flag: '--llm-concurrency <n>',
    env: 'AIRA_LLM_CONCURRENCY',
    help: 'requests in flight to one endpoint',
  },
  {
    path: 'llm.fallbacks',
    type: 'list',
    flag: '--llm-fallback <url>',
    repeat: true,
    help: 'another endpoint (base URL) used while the main one is down (repeatable)',
  },
  {
    path: 'llm.roles',
    type: 'record',
    flag: '--role-model <role=model>',
    repeat: true,
    help: 'a model for some jobs: react, operators, draft, mutate, crossover, debug (repeatable)',
  },
  { path: 'llm.prices.input', type: 'number', flag: '--price-input <usd>', help: 'USD per 1M prompt tokens' },
  {
    path: 'llm.prices.output',
    type: 'number',
    flag: '--price-output <usd>',
    help: 'USD per 1M completion tokens',
  },
  {
    path: 'llm.prices.cachedInput',
    type: 'number',
    flag: '--price-cached-input <usd>',
    help: 'USD per 1M cached prompt tokens (default: input price)',
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

/** Settings that are durations: written with a unit ("90s", "72h"); resolved to milliseconds. */
export const DURATION_PATHS = new Set([
  'budget.wallClock',
  'budget.perExec',
  'workers.lease',
  'workers.heartbeat',
  'workers.callDeadline',
  'workers.waitFor',
  'agent.jobTime',
  'llm.timeout',
  'llm.retryBase',
]);

export const FIELD_BY_PATH = new Map(FIELDS.map((f) => [f.path, f]));

/** Attribute name commander gives a flag: '--crossover-prob <p>' → 'crossoverProb'. */
export function flagAttribute(flag: string): string {
  const long = flag.split(/[ ,]/)[0]!.replace(/^--/, '');
  return long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function flagName(flag: string): string {
  return flag.split(/[ ,]/)[0]!;
}
