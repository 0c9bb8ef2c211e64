import { join } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '@aira/core';
import {
  FIELDS,
  defaultRegistry,
  formatResolvedConfig,
  locateStudy,
  resumeStudy,
  runStudy,
  type StudyOptions,
  type StudyResult,
} from '@aira/coordinator';
import { checkLlmAgentConfig, LLM_AGENTS } from '@aira/agents';
import { localWorkerLauncher } from '../launcher.js';
import { withHce, withSuites } from '../hce.js';
import { describeAgent, unservedCompetitions, withAgents } from '../agents.js';
import { createProgress, progressMode } from '../live/index.js';
import { PRESETS, resolveWithPreset } from '../presets.js';
import { finishStudy } from '../live/finish.js';

/** The bin that starts local worker daemons (`aira worker`): this very command. */

const collect = (v: string, acc: string[] = []) => [...acc, v];

interface RunFlags extends Record<string, unknown> {
  config?: string;
  set?: string[];
  printConfig?: boolean;
  resume?: string;
  quiet?: boolean;
  json?: boolean;
  preset?: string;
  out?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description(
      'Start a study: one run per competition and seed (or one run of --script), searched by a steady-state ' +
        'policy over a pool of workers. Settings: flags > AIRA_* env > --config file > defaults (see --print-config).',
    )
    .option('--config <file>', 'YAML or JSON file with any RunConfig settings');
  for (const f of FIELDS) {
    if (!f.flag) continue;
    if (f.repeat) cmd.option(f.flag, `${f.help}${f.env ? ` [${f.env}]` : ''}`, collect);
    else cmd.option(f.flag, `${f.help}${f.env ? ` [${f.env}]` : ''}`);
  }
  cmd
    .option('--set <path=value>', 'any setting by its path, e.g. --set search.numDrafts=3 (repeatable)', collect)
    .option('--print-config', 'print the resolved config and where each value came from, then exit')
    .option('--resume <study>', 'resume a study (id under --out, or its folder) from its journals')
    .option('--preset <name>', `named defaults under every other setting: ${Object.entries(PRESETS).map(([n, p]) => `${n} (${p.description})`).join('; ')}; --suite mini gets quickstart unless told`)
    .option('--quiet', 'no live view or progress lines')
    .option('--json', 'every journal event as one JSON line on stdout, then a study.ended line')
    .action(async (flags: RunFlags) => {
      const stop = new AbortController();
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          process.stderr.write(`aira: ${sig}: ending the study cleanly (again to force)\n`);
          stop.abort(sig);
        } else process.exit(130);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const progress = createProgress(progressMode(flags, process.stderr));
      const options: StudyOptions = {
        registry: await withSuites(withAgents(withHce(defaultRegistry()))),
        launcher: localWorkerLauncher(),
        logger: (dir) => createLogger({ name: 'aira-coordinator', file: join(dir, 'coordinator.log'), level: 'warn' }),
        stop: stop.signal,
        onEvent: progress.mode === 'quiet' ? undefined : (runId, e) => progress.onEvent(runId, e),
        onRegistration: (address) => process.stderr.write(`workers can register at ${address} (aira worker --coordinator ${address})\n`),
        onReady: (info) => {
          const { studyId, dir, workers, registration } = info;
          if (progress.mode !== 'quiet') process.stderr.write(`study ${studyId} in ${dir}: ${workers.length} worker(s)${registration ? `, registration on ${registration}` : ''}\n`);
          progress.onReady(info);
        },
      };
      let result: StudyResult;
      try {
        if (flags.resume) {
          const out = flags.out ?? process.env.AIRA_OUT ?? 'runs';
          result = await resumeStudy(locateStudy(flags.resume, out), options);
        } else {
          const resolved = resolveWithPreset({ flags, sets: flags.set, env: process.env, file: flags.config }, flags.preset);
          if (flags.printConfig) {
            process.stdout.write(`${formatResolvedConfig(resolved)}\n`);
            return;
          }
          checkLlmAgentConfig(resolved.config); // a missing model or key fails here, before any worker starts
          process.stderr.write(`agent: ${describeAgent(resolved.config.agent.name)}\n`);
          for (const line of await unservedCompetitions(resolved.config)) process.stderr.write(`${line}\n`);
          if (resolved.preset) process.stderr.write(`preset: ${resolved.preset} (${PRESETS[resolved.preset]!.description})\n`);
          if (LLM_AGENTS.includes(resolved.config.agent.name as never)) {
            const l = resolved.config.llm;
            process.stderr.write(`llm: ${l.model} at ${l.baseUrl} (key from $${l.apiKeyEnv}, ${l.toolProtocol} tool calls)\n`);
          }
          result = await runStudy(resolved.config, { ...options, provenance: resolved.provenance });
        }
      } finally {
        progress.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      await finishStudy(result, flags, progress.mode);
    });
}
