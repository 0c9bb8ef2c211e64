import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createLogger, formatDuration } from '@aira/core';
import {
  FIELDS,
  cliWorkerLauncher,
  defaultRegistry,
  formatResolvedConfig,
  locateStudy,
  resumeStudy,
  runStudy,
  type JournalEvent,
  type StudyOptions,
  type StudyResult,
} from '@aira/coordinator';
import { withHce } from '../hce.js';
import { describeAgent, resolveWithDefaultAgent, withAgents } from '../agents.js';

/** The bin that starts local worker daemons (`aira worker`): this very command. */
const AIRA_BIN = fileURLToPath(new URL('../../bin/aira.js', import.meta.url));

const collect = (v: string, acc: string[] = []) => [...acc, v];

interface RunFlags extends Record<string, unknown> {
  config?: string;
  set?: string[];
  printConfig?: boolean;
  resume?: string;
  quiet?: boolean;
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
    .option('--quiet', 'no progress lines')
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
      const options: StudyOptions = {
        registry: withAgents(withHce(defaultRegistry())),
        launcher: cliWorkerLauncher(AIRA_BIN),
        logger: (dir) => createLogger({ name: 'aira-coordinator', file: join(dir, 'coordinator.log'), level: 'warn' }),
        stop: stop.signal,
        onEvent: flags.quiet ? undefined : progress(),
        onRegistration: (address) => process.stderr.write(`workers can register at ${address} (aira worker --coordinator ${address})\n`),
        onReady: ({ studyId, dir, workers, registration }) => {
          process.stderr.write(`study ${studyId} in ${dir}: ${workers.length} worker(s)${registration ? `, registration on ${registration}` : ''}\n`);
        },
      };
      let result: StudyResult;
      if (flags.resume) {
        const out = flags.out ?? process.env.AIRA_OUT ?? 'runs';
        result = await resumeStudy(locateStudy(flags.resume, out), options);
      } else {
        const resolved = resolveWithDefaultAgent({ flags, sets: flags.set, env: process.env, file: flags.config });
        if (flags.printConfig) {
          process.stdout.write(`${formatResolvedConfig(resolved)}\n`);
          return;
        }
        process.stderr.write(`agent: ${describeAgent(resolved.config.agent.name)}\n`);
        result = await runStudy(resolved.config, { ...options, provenance: resolved.provenance });
      }
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      for (const r of result.runs) {
        const pick = r.finalPick ? `final pick ${r.finalPick.candidateId} (${r.finalPick.by} score ${r.finalPick.score})` : 'no valid candidate';
        process.stdout.write(`${result.studyId}/${r.runId}: ${r.reason}, ${r.candidates} candidate(s), ${pick}\n`);
      }
      if (result.stopped) process.stdout.write(`study ${result.studyId} stopped; resume with: aira run --resume ${result.studyId}\n`);
    });
}

/** One line per candidate and per notable event on stderr. */
function progress(): (runId: string, e: JournalEvent) => void {
  return (runId, e) => {
    const at = formatDuration(e.active);
    if (e.type === 'candidate.added') {
      const c = e.candidate;
      const s = c.scores;
      const lineage = c.parents.length ? `(${c.parents.join('+')})` : '';
      const text = s.valid ? `score ${s.search}` : `invalid: ${(s.reason ?? '').split('\n')[0]!.slice(0, 100)}`;
      process.stderr.write(`[${runId} ${at}] ${c.id} ${c.operator}${lineage} on ${c.workerId}: ${text}\n`);
    } else if (e.type === 'worker.lost') process.stderr.write(`[${runId} ${at}] worker ${e.workerId} lost: ${e.reason}\n`);
    else if (e.type === 'attempt.abandoned') process.stderr.write(`[${runId} ${at}] ${e.jobId} attempt ${e.attempt} abandoned: ${e.reason}\n`);
    else if (e.type === 'run.ended') process.stderr.write(`[${runId} ${at}] ended (${e.reason})\n`);
  };
}
