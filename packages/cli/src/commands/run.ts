import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { pluginsFromEnv } from '@aira/competitions';
import type { Command } from 'commander';
import { ConfigError, createLogger, ensureDir, formatDuration, UserError } from '@aira/core';
import {
  durationPaths,
  fieldsOf,
  checkStudyInputs,
  runConfigDefaults,
  studiesDir,
  defaultRegistry,
  formatResolvedConfig,
  locateStudy,
  printableSbatch,
  resumeStudy,
  runStudy,
  type Registry,
  type StudyOptions,
  type StudyResult,
} from '@aira/coordinator';
import { checkLlmAgentConfig, llmConfigOf, LLM_AGENTS, TEMPLATE_AGENT } from '@aira/agents';
import { airaCommand, localWorkerLauncher } from '../launcher.js';
import { withCompetitions, withHce } from '../hce.js';
import { loadCompetitions } from '../plugins.js';
import { describeAgent, unservedCompetitions, withAgents } from '../agents.js';
import { createProgress, progressMode } from '../live/index.js';
import { PRESETS, resolveWithPreset } from '../presets.js';
import { finishStudy } from '../live/finish.js';
import { resumeBudget } from './resume-budget.js';
import { chooseBudget } from '../budget.js';
import { formatChecks, preflight } from '../preflight.js';

/** The bin that starts local worker daemons (`aira worker`): this very command. */

const collect = (v: string, acc: string[] = []) => [...acc, v];

interface RunFlags extends Record<string, unknown> {
  config?: string;
  plugin?: string[];
  data?: string;
  set?: string[];
  printConfig?: boolean;
  printSbatch?: boolean;
  resume?: string;
  repair?: boolean;
  preflight?: boolean;
  quiet?: boolean;
  json?: boolean;
  preset?: string;
  out?: string;
  studyId?: string;
}

const RUN_EXAMPLES = `
Examples:
  aira run --suite mini                                     4 small competitions, 80 s each, on 2 local workers
  aira run --competition mini-diabetes --max-jobs 10        one competition (its plugin's budget unless --budget)
  aira run --suite mlebench-30 --data ~/mle-bench-data --workers local --budget 24h --agent react --model qwen3 --llm-base-url http://gpu01:8000/v1
  aira run --script solve.py --budget 10m --workers hosts:workers.txt
  aira run --config study.yaml --set search.temperature=0.3 --print-config
  aira run --resume 20260101-120000-ab12                    go on with a stopped or interrupted study
Durations need a unit: 90s, 10m, 72h, 1h30m, 250ms.`;

/** The agents and evaluators `aira run` offers (competitions are added once loaded). */
function runRegistry(): Registry {
  return withAgents(withHce(defaultRegistry()));
}

/** Every setting's default: the coordinator's, and each agent's own sections' (what --help shows). */
function settingDefaults(registry: Registry): Record<string, unknown> {
  const defaults = { ...runConfigDefaults() } as unknown as Record<string, unknown>;
  for (const entry of registry.agents.values()) {
    const own = entry.configSchema?.safeParse({ agent: { name: entry.id } });
    if (!own?.success) continue;
    for (const [key, value] of Object.entries(own.data as Record<string, unknown>)) {
      const mine = defaults[key];
      defaults[key] =
        value && typeof value === 'object' && !Array.isArray(value)
          ? { ...value, ...(mine as object | undefined) }
          : (mine ?? value);
    }
  }
  return defaults;
}

/** The default a flag has when nothing sets it, as `(default: X)`; nothing for optional settings. */
function defaultText(path: string, defaults: Record<string, unknown>, durations: Set<string>): string {
  let v: unknown = defaults;
  for (const k of path.split('.'))
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  if (v === undefined || v === false || path === 'agent.script') return '';
  if ((Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v))) return '';
  if (path === 'checkpoints' && Array.isArray(v))
    return ` (default: ${v.map((x) => formatDuration(x as number)).join(',')})`;
  const shown =
    durations.has(path) && typeof v === 'number'
      ? formatDuration(v)
      : Array.isArray(v)
        ? v.join(',')
        : String(v as string | number | boolean); // objects returned above
  return ` (default: ${shown})`;
}

function agentHelp(registry: Registry): string {
  const names = [...registry.agents.keys()];
  return `what drives each job: ${names.join(', ')} (default: ${TEMPLATE_AGENT}, LLM-free; script with --script FILE; react and operators need --model)`;
}

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description(
      'Start a study: one run per competition and seed (or one run of --script), searched by a steady-state ' +
        'policy over a pool of workers. Settings: flags > AIRA_* env > --config file > defaults (see --print-config).',
    )
    .option('--config <file>', 'YAML or JSON file with any RunConfig settings');
  const registry = runRegistry();
  const fields = fieldsOf(registry);
  const defaults = settingDefaults(registry);
  const durations = durationPaths(fields);
  for (const f of fields) {
    if (!f.flag) continue;
    const help =
      f.path === 'agent.name'
        ? agentHelp(registry)
        : f.help.includes('(default:')
          ? f.help
          : `${f.help}${defaultText(f.path, defaults, durations)}`;
    const text = `${help}${f.env ? ` [${f.env}]` : ''}`;
    if (f.repeat) cmd.option(f.flag, text, collect);
    else cmd.option(f.flag, text);
  }
  cmd.addHelpText('after', RUN_EXAMPLES);
  cmd
    .option(
      '--set <path=value>',
      'any setting by its path, e.g. --set search.numDrafts=3 (repeatable)',
      collect,
    )
    .option('--print-config', 'print the resolved config and where each value came from, then exit')
    .option(
      '--print-sbatch',
      'print the sbatch script of a Slurm worker job (--workers slurm) to edit and reuse with --sbatch-template, then exit',
    )
    .option('--resume <study>', 'resume a study (id under --out, or its folder) from its journals')
    .option(
      '--study-id <id>',
      "the new study's folder name under --out (default: a timestamp); a batch script that is requeued can resume it by name",
    )
    .option(
      '--preflight',
      'check data (against MLE-bench checksums), HCE splits, disk, workers, the LLM endpoint and the cost cap; print one table and exit (1 on a blocker)',
    )
    .option(
      '--repair',
      'with --resume: cut a corrupt journal back to its last good event (the whole file is kept beside it)',
    )
    .option(
      '--preset <name>',
      `named defaults under every other setting: ${Object.entries(PRESETS)
        .map(([n, p]) => `${n} (${p.description})`)
        .join('; ')}; --suite mini gets quickstart unless told`,
    )
    .option(
      '--plugin <spec>',
      'a competition plugin: folder, manifest file or npm package (repeatable; adds to AIRA_PLUGINS)',
      collect,
    )
    .option(
      '--data <dir>',
      'prepared MLE-bench data folder, as `mlebench prepare` lays it out (sets AIRA_MLEBENCH_DATA) (default: ~/.cache/mle-bench/data)',
    )
    .option('--quiet', 'no live view or progress lines')
    .option('--json', 'every journal event as one JSON line on stdout, then a study.ended line')
    .action(async (flags: RunFlags) => {
      // Plugins and data reach every part (HCE, suites, the report, local workers) through the env.
      if (flags.plugin?.length)
        process.env.AIRA_PLUGINS = [
          ...pluginsFromEnv(),
          ...flags.plugin.map((p) => (existsSync(p) ? resolve(p) : p)),
        ].join(delimiter);
      if (flags.data !== undefined) process.env.AIRA_MLEBENCH_DATA = resolve(flags.data);
      const stop = new AbortController();
      const suspend = new AbortController();
      let signals = 0;
      const broken = new Set<NodeJS.WriteStream>();
      const say = (text: string) => void (broken.has(process.stderr) || process.stderr.write(text));
      const endCleanly = (why: string) => {
        if (stop.signal.aborted) return;
        say(`aira: ${why}: ending the study cleanly (again to force)\n`);
        stop.abort(why);
      };
      const onSignal = (sig: NodeJS.Signals) => {
        // Slurm signals every process of the job and the batch script passes SIGTERM on too: a
        // second one is the same request, not an order to force.
        if (suspend.signal.aborted && sig === 'SIGTERM') return;
        signals++;
        if (signals === 1 && sig === 'SIGTERM' && process.env.SLURM_JOB_ID) {
          // Inside a Slurm job SIGTERM means preemption, a requeue or the time limit: the study is
          // left to resume (worker jobs cancelled, runs not ended); `aira stop` ends it for good.
          say(
            `aira: SIGTERM in Slurm job ${process.env.SLURM_JOB_ID}: suspending the study (cancelling its worker jobs; it resumes with aira run --resume)\n`,
          );
          suspend.abort(sig);
        } else if (signals === 1) endCleanly(sig);
        else process.exit(130);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      process.on('SIGHUP', onSignal); // the terminal closed
      // A reader that went away (`aira run ... | head -3`) ends the study as SIGTERM does.
      for (const stream of [process.stdout, process.stderr]) {
        stream.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EPIPE') throw err;
          broken.add(stream);
          endCleanly(`${stream === process.stdout ? 'stdout' : 'stderr'} closed (EPIPE)`);
        });
      }
      const competitions = await loadCompetitions();
      const progress = createProgress(progressMode(flags, process.stderr));
      const options: StudyOptions = {
        registry: withCompetitions(runRegistry(), competitions),
        launcher: localWorkerLauncher(),
        airaCommand: airaCommand(),
        onNotice: (message) => process.stderr.write(`aira: ${message}\n`),
        logger: (dir) =>
          createLogger({ name: 'aira-coordinator', file: join(dir, 'coordinator.log'), level: 'warn' }),
        stop: stop.signal,
        suspend: suspend.signal,
        onEvent: progress.mode === 'quiet' ? undefined : (runId, e) => progress.onEvent(runId, e),
        onRegistration: (address) =>
          process.stderr.write(`workers can register at ${address} (aira worker --coordinator ${address})\n`),
        onReady: (info) => {
          const { studyId, dir, workers, registration } = info;
          if (progress.mode !== 'quiet')
            process.stderr.write(
              `study ${studyId} in ${dir}: ${workers.length} worker(s)${registration ? `, registration on ${registration}` : ''}\n`,
            );
          progress.onReady(info);
        },
      };
      let result: StudyResult;
      try {
        if (flags.resume) {
          const out = studiesDir(flags.out);
          const onRepair = (runId: string, r: { backup: string; kept: number }) =>
            process.stderr.write(
              `run ${runId}: journal cut back to its last good event (${r.kept} events kept; the whole file is ${r.backup})\n`,
            );
          result = await resumeStudy(locateStudy(flags.resume, out), {
            ...options,
            budget: resumeBudget(flags),
            repair: flags.repair,
            onRepair,
          });
        } else {
          const resolved = resolveWithPreset(
            { flags, sets: flags.set, env: process.env, file: flags.config, registry: options.registry },
            flags.preset,
          );
          for (const id of resolved.config.competitions) competitions.get(id); // unknown: one line, with "did you mean"
          const ids = resolved.config.suite
            ? competitions.resolveSuite(resolved.config.suite).ids
            : resolved.config.competitions;
          const budgetLine = chooseBudget(resolved, competitions, ids.length ? ids : [null]);
          if (flags.printConfig) {
            process.stdout.write(`${formatResolvedConfig(resolved)}\n`);
            return;
          }
          if (flags.printSbatch) {
            process.stdout.write(printableSbatch(resolved.config.slurm, airaCommand()));
            return;
          }
          checkLlmAgentConfig(resolved.config); // a missing model or key fails here, before any worker starts
          process.stderr.write(`agent: ${describeAgent(resolved.config.agent.name)}\n`);
          for (const line of unservedCompetitions(resolved.config, competitions))
            process.stderr.write(`${line}\n`);
          if (resolved.preset)
            process.stderr.write(`preset: ${resolved.preset} (${PRESETS[resolved.preset]!.description})\n`);
          if (LLM_AGENTS.includes(resolved.config.agent.name as never)) {
            const l = llmConfigOf(resolved.config);
            process.stderr.write(
              `llm: ${l.model} at ${l.baseUrl} (key from $${l.apiKeyEnv}, ${l.toolProtocol} tool calls)\n`,
            );
          }
          process.stderr.write(`${budgetLine}\n`);
          if (flags.studyId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(flags.studyId)) {
            throw new ConfigError(
              `--study-id "${flags.studyId}": letters, digits, ".", "_" and "-" only, starting with a letter or digit`,
            );
          }
          // The cheap checks first, so a typo is named before the pre-flight's table.
          checkStudyInputs(resolved.config, options.launcher);
          if (!flags.preflight) ensureDir(resolved.config.out, '--out');
          const checks = await preflight(resolved.config, competitions, ids, {
            full: Boolean(flags.preflight),
          });
          const blocker = checks.find((c) => c.status === 'blocker');
          if (flags.preflight) {
            process.stdout.write(
              `${formatChecks(checks)}\n${blocker ? `blocked: ${checks.filter((c) => c.status === 'blocker').length} blocker(s)` : 'ready'}\n`,
            );
            if (blocker) process.exitCode = 1;
            return;
          }
          const said = checks.filter((c) => c.status !== 'ok');
          if (said.length) process.stderr.write(`pre-flight:\n${formatChecks(said)}\n`);
          if (blocker)
            throw new UserError(
              `pre-flight: ${blocker.subject}: ${blocker.detail}`,
              'nothing was started; `aira run ... --preflight` prints every check',
            );
          result = await runStudy(resolved.config, {
            ...options,
            provenance: resolved.provenance,
            studyId: flags.studyId,
          });
        }
      } finally {
        progress.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.off('SIGHUP', onSignal);
      }
      if (result.suspended) {
        process.stdout.write(
          `study ${result.studyId} suspended; resume with: aira run --resume ${result.studyId}${flags.out ? ` --out ${flags.out}` : ''}\n`,
        );
        // The run under way was left as it stood (its loop still holds timers): exit now.
        process.exit(0);
      }
      await finishStudy(result, flags, progress.mode);
    });
}
