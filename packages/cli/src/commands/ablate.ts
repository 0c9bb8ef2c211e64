import { join } from 'node:path';
import type { Command } from 'commander';
import { createLogger, formatDuration } from '@aira/core';
import { defaultRegistry, readJournal } from '@aira/coordinator';
import { detectGpus } from '@aira/worker';
import { pickAt } from '@aira/hce';
import { checkLlmAgentConfig } from '@aira/agents';
import { expandMatrix, loadMatrix, runAblation, stopStudyWorkers, writeAblationReport, type CellProgress } from '@aira/ablation';
import { localWorkerLauncher } from '../launcher.js';
import { withHce, withSuites } from '../hce.js';
import { withAgents } from '../agents.js';

/** The bin that starts local worker daemons (`aira worker`): this very command. */

interface AblateFlags {
  out: string;
  studyId?: string;
  dryRun?: boolean;
  report: boolean;
  quiet?: boolean;
  mlebenchSubmissions?: boolean;
}

function progressLine(p: CellProgress, dir: string): string {
  const at = `[${p.index + 1}/${p.total}] ${p.cell.cellId}`;
  switch (p.kind) {
    case 'skipped':
      return `${at}: ended before, skipped`;
    case 'started':
      return `${at}: ${p.resumed ? 'resumed from its journal' : 'started'}${p.workers !== null ? ` on ${p.workers} local worker(s)` : ''}`;
    case 'failed':
      return `${at}: FAILED: ${p.error}`;
    case 'ended': {
      const journal = join(dir, p.cell.cellId, p.result.runId, 'journal.jsonl');
      const pick = pickAt(readJournal(journal).events, Infinity);
      const what = pick.candidateId ? `pick ${pick.candidateId}, test ${pick.test ?? '–'}, percentile rank ${pick.percentileRank.toFixed(1)}${pick.medal ? `, ${pick.medal}` : ''}` : 'no valid candidate';
      return `${at}: ${p.result.reason} after ${formatDuration(p.seconds * 1000)}; ${p.result.candidates} candidate(s); ${what}`;
    }
  }
}

export function register(program: Command): void {
  program
    .command('ablate')
    .description(
      'Run an ablation study from a matrix file (variants × competitions × seeds; benchmarks/ablations/*.yaml): ' +
        'cells share a pool of local workers, cells already ended are skipped and interrupted ones resume; then write the report (aira report)',
    )
    .argument('<matrix>', 'matrix file (YAML)')
    .option('--out <dir>', 'folder that holds studies', process.env.AIRA_OUT || 'runs')
    .option('--study-id <id>', "the study's folder name under --out (default: the matrix's name)")
    .option('--dry-run', 'check the matrix and list its cells, then exit')
    .option('--no-report', 'do not write the report at the end')
    .option('--mlebench-submissions', "copy each pick's test predictions next to the MLE-bench grading reports (mlebench/<checkpoint>/submissions)")
    .option('--quiet', 'no progress lines')
    .action(async (file: string, flags: AblateFlags) => {
      const registry = await withSuites(withAgents(withHce(defaultRegistry())));
      const matrix = loadMatrix(file, { resolveSuite: registry.suites });
      const gpus = detectGpus().length;
      const cells = expandMatrix(matrix, gpus);
      for (const v of matrix.variants) checkLlmAgentConfig(v.config); // a missing model or key fails here, before any worker starts
      const dir = join(flags.out, flags.studyId ?? matrix.name);
      const say = (line: string) => !flags.quiet && process.stderr.write(`${line}\n`);
      say(`ablation ${matrix.name}: ${matrix.variants.length} variants × ${matrix.competitions.length} competitions × ${matrix.seeds.length} seeds = ${cells.length} cells, ${formatDuration(matrix.budgetMs)} each; study folder ${dir}`);
      if (flags.dryRun) {
        for (const c of cells) process.stdout.write(`${c.cellId}\t${c.localWorkers ?? 'own'} worker(s)\t${c.config.agent.name}\t${c.config.search.policy}\thce ${c.config.hce}\n`);
        return;
      }
      const drain = new AbortController();
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          process.stderr.write(`aira: ${sig}: no further cell starts; the cells under way finish (again to interrupt them now: they resume on the next aira ablate)\n`);
          drain.abort(sig);
          return;
        }
        // Leave the journals without run.ended so that the next `aira ablate` resumes these cells.
        void stopStudyWorkers(dir).finally(() => process.exit(130));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let result;
      try {
        result = await runAblation(matrix, {
          out: flags.out,
          studyId: flags.studyId,
          registry,
          launch: localWorkerLauncher(['--log-level', 'warn']),
          gpus,
          logger: (cellDir) => createLogger({ name: 'aira-coordinator', file: join(cellDir, 'coordinator.log'), level: 'warn' }),
          drain: drain.signal,
          command: `aira ablate ${process.argv.slice(3).join(' ')}`,
          onCell: (p) => say(progressLine(p, dir)),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const failed = result.cells.filter((c) => c.status === 'failed');
      const left = result.cells.filter((c) => c.status === 'not-run').length;
      if (flags.report) {
        const written = await writeAblationReport(result.dir, { mlebenchSubmissions: flags.mlebenchSubmissions });
        process.stdout.write(`report: ${written.markdown}\nreport: ${written.html}\n`);
      }
      if (left > 0) say(`${left} cell(s) not run yet: run the same command again to continue`);
      if (failed.length > 0) {
        process.stderr.write(`aira: ${failed.length} cell(s) failed: ${failed.map((f) => `${f.cellId}: ${f.error}`).join('; ')}\n`);
        process.exitCode = 1;
      }
    });
}
