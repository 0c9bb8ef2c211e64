import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, createLogger, dottedPath, fieldIssues, formatDuration } from '@aira/core';
import { SlurmConfig, studiesDir, defaultRegistry, readJournal } from '@aira/coordinator';
import { detectGpus } from '@aira/worker';
import { pickAt } from '@aira/hce';
import { checkLlmAgentConfig } from '@aira/agents';
import {
  arrayScript,
  cellState,
  cellsToRun,
  expandMatrix,
  loadMatrix,
  runAblation,
  runCellsOnSlurm,
  stopStudyWorkers,
  writeAblationReport,
  type CellOutcome,
  type CellProgress,
  type Matrix,
} from '@aira/ablation';
import { airaCommand, localWorkerLauncher } from '../launcher.js';
import { withCompetitions, withHce } from '../hce.js';
import { loadCompetitions } from '../plugins.js';
import { withAgents } from '../agents.js';

/** The bin that starts local worker daemons (`aira worker`): this very command. */

interface AblateFlags {
  out: string;
  studyId?: string;
  dryRun?: boolean;
  report: boolean;
  quiet?: boolean;
  mlebenchSubmissions?: boolean;
  launcher?: string;
  maxParallel?: string;
  cell?: string;
  partition?: string;
  account?: string;
  qos?: string;
  timeLimit?: string;
  sbatch?: string[];
  printSbatch?: boolean;
}

/** The cells' Slurm allocation: the matrix's `launcher.slurm`, flags over it. */
function slurmOf(matrix: Matrix, flags: AblateFlags): SlurmConfig {
  const given = {
    partition: flags.partition,
    account: flags.account,
    qos: flags.qos,
    time: flags.timeLimit,
    sbatch: flags.sbatch,
  };
  const input = {
    ...(matrix.launcher.slurm ?? {}),
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
  const r = SlurmConfig.safeParse(input);
  if (!r.success) {
    const issue = fieldIssues(r.error.issues, { prefix: ['launcher', 'slurm'] })[0]!;
    throw new ConfigError(`${matrix.file ?? 'matrix'}: ${dottedPath(issue.path)}: ${issue.message}`);
  }
  return r.data;
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
      const what = pick.candidateId
        ? `pick ${pick.candidateId}, test ${pick.test ?? '–'}, percentile rank ${pick.percentileRank.toFixed(1)}${pick.medal ? `, ${pick.medal}` : ''}`
        : 'no valid candidate';
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
    .option('--out <dir>', 'folder that holds studies', studiesDir())
    .option('--study-id <id>', "the study's folder name under --out (default: the matrix's name)")
    .option('--dry-run', 'check the matrix and list its cells, then exit')
    .option('--no-report', 'do not write the report at the end')
    .option(
      '--mlebench-submissions',
      "copy each pick's test predictions next to the MLE-bench grading reports (mlebench/<checkpoint>/submissions)",
    )
    .option('--quiet', 'no progress lines')
    .option(
      '--launcher <kind>',
      "local (a pool of worker daemons here) or slurm (one array task per cell); default: the matrix's launcher.kind",
    )
    .option(
      '--max-parallel <n>',
      'slurm: array tasks at once (the %N throttle; default: launcher.maxParallel, else none)',
    )
    .option('--partition <name>', 'slurm: partition of the array tasks (over launcher.slurm.partition)')
    .option('--account <name>', 'slurm: account charged')
    .option('--qos <name>', 'slurm: quality of service')
    .option('--time-limit <time>', 'slurm: time limit of each cell (Slurm syntax)')
    .option(
      '--sbatch <option>',
      'slurm: another sbatch option (repeatable)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--cell <id>', 'run this one cell (what each Slurm array task does)')
    .option('--print-sbatch', 'slurm: print the array script for the cells not ended yet, then exit')
    .action(async (file: string, flags: AblateFlags) => {
      const registry = withCompetitions(withAgents(withHce(defaultRegistry())), await loadCompetitions());
      const matrix = loadMatrix(file, { resolveSuite: registry.suites, registry });
      const gpus = detectGpus().length;
      const cells = expandMatrix(matrix, gpus);
      for (const v of matrix.variants) checkLlmAgentConfig(v.config); // a missing model or key fails here, before any worker starts
      const dir = join(flags.out, flags.studyId ?? matrix.name);
      const say = (line: string) => !flags.quiet && process.stderr.write(`${line}\n`);
      say(
        `ablation ${matrix.name}: ${matrix.variants.length} variants × ${matrix.competitions.length} competitions × ${matrix.seeds.length} seeds = ${cells.length} cells, ${formatDuration(matrix.budgetMs)} each; study folder ${dir}`,
      );
      if (flags.dryRun) {
        for (const c of cells)
          process.stdout.write(
            `${c.cellId}\t${c.localWorkers ?? 'own'} worker(s)\t${c.config.agent.name}\t${c.config.search.policy}\thce ${c.config.hce}\n`,
          );
        return;
      }
      const launcher = flags.launcher ?? matrix.launcher.kind;
      if (launcher !== 'local' && launcher !== 'slurm')
        throw new ConfigError(`--launcher ${launcher}: expected local or slurm`);
      const maxParallel =
        flags.maxParallel !== undefined ? Number(flags.maxParallel) : matrix.launcher.maxParallel;
      if (maxParallel !== undefined && !(Number.isInteger(maxParallel) && maxParallel > 0))
        throw new ConfigError(`--max-parallel ${flags.maxParallel}: expected a positive whole number`);
      if (flags.cell) {
        await runOneCell(matrix, flags, registry, gpus);
        return;
      }
      if (launcher === 'slurm') {
        const slurm = slurmOf(matrix, flags);
        if (!matrix.file)
          throw new ConfigError('the slurm launcher needs the matrix as a file (array tasks read it again)');
        if (flags.printSbatch) {
          const todo = cellsToRun(cells, dir);
          const workers = Math.max(1, ...todo.map((c) => c.localWorkers ?? 1));
          const logDir = join(dir, 'slurm');
          process.stdout.write(
            arrayScript({
              dir,
              out: flags.out,
              studyId: flags.studyId ?? matrix.name,
              matrixFile: matrix.file,
              slurm,
              maxParallel,
              aira: airaCommand(),
              cellsFile: join(logDir, 'cells-<at submission>.txt'),
              count: Math.max(1, todo.length),
              workers,
              logDir,
            }),
          );
          return;
        }
        // Checks, ablation.json and the data every cell needs, here, once; then the cells as an array.
        await runAblation(matrix, {
          out: flags.out,
          studyId: flags.studyId,
          registry,
          gpus,
          only: [],
          command: `aira ablate ${process.argv.slice(3).join(' ')}`,
        });
        const todo = cellsToRun(cells, dir);
        const stop = new AbortController();
        const onSignal = (sig: NodeJS.Signals) => {
          process.stderr.write(
            `aira: ${sig}: cancelling the array; the cells under way resume on the next aira ablate\n`,
          );
          stop.abort(sig);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        let cancelled = false;
        const taskStates = new Map<string, string>();
        try {
          if (todo.length === 0) say('every cell ended before');
          else {
            const r = await runCellsOnSlurm({
              dir,
              out: flags.out,
              studyId: flags.studyId ?? matrix.name,
              matrixFile: matrix.file,
              cells: todo,
              slurm,
              maxParallel,
              aira: airaCommand(),
              pollMs: slurm.poll,
              stop: stop.signal,
              onTask: (t) =>
                say(
                  `[${cells.indexOf(t.cell) + 1}/${cells.length}] ${t.cell.cellId}: array task ${t.task} ${t.state}`,
                ),
            });
            say(`array job ${r.jobId} ended`);
            cancelled = r.cancelled;
            for (const [k, v] of r.states) taskStates.set(k, v);
          }
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
        const outcomes: CellOutcome[] = cells.map((c) => {
          const ended = cellState(join(dir, c.cellId), c.competition, c.seed).state === 'ended';
          if (ended) return { cellId: c.cellId, status: todo.includes(c) ? 'ran' : 'skipped' };
          if (cancelled) return { cellId: c.cellId, status: 'not-run' };
          return {
            cellId: c.cellId,
            status: 'failed',
            error: `its array task ended ${taskStates.get(c.cellId) ?? 'without running'} (output in ${join(dir, 'slurm')})`,
          };
        });
        await finish(
          { studyId: flags.studyId ?? matrix.name, dir, cells: outcomes, drained: cancelled },
          flags,
          say,
        );
        if (cancelled) process.exitCode = 130;
        return;
      }
      const drain = new AbortController();
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          process.stderr.write(
            `aira: ${sig}: no further cell starts; the cells under way finish (again to interrupt them now: they resume on the next aira ablate)\n`,
          );
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
          logger: (cellDir) =>
            createLogger({ name: 'aira-coordinator', file: join(cellDir, 'coordinator.log'), level: 'warn' }),
          drain: drain.signal,
          command: `aira ablate ${process.argv.slice(3).join(' ')}`,
          onCell: (p) => say(progressLine(p, dir)),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      await finish(result, flags, say);
    });
}

async function finish(
  result: { studyId: string; dir: string; cells: CellOutcome[]; drained: boolean },
  flags: AblateFlags,
  say: (line: string) => void,
): Promise<void> {
  const failed = result.cells.filter((c) => c.status === 'failed');
  const left = result.cells.filter((c) => c.status === 'not-run').length;
  if (flags.report) {
    const written = await writeAblationReport(result.dir, { mlebenchSubmissions: flags.mlebenchSubmissions });
    process.stdout.write(`report: ${written.markdown}\nreport: ${written.html}\n`);
  }
  if (left > 0) say(`${left} cell(s) not run yet: run the same command again to continue`);
  if (failed.length > 0) {
    process.stderr.write(
      `aira: ${failed.length} cell(s) failed: ${failed.map((f) => `${f.cellId}: ${f.error}`).join('; ')}\n`,
    );
    process.exitCode = 1;
  }
}

/**
 * One cell, as a Slurm array task runs it: its workers are local daemons in the task's allocation.
 * SIGTERM (preemption, time limit, scancel) stops it where it is: the journal is left without its
 * end, so the next submission resumes the cell.
 */
async function runOneCell(
  matrix: Matrix,
  flags: AblateFlags,
  registry: ReturnType<typeof withCompetitions>,
  gpus: number,
): Promise<void> {
  const dir = join(flags.out, flags.studyId ?? matrix.name);
  // Tasks of one array run side by side: each keeps its daemons apart from the others'.
  const poolDir = join(dir, 'slurm', `pool-${flags.cell}`);
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`aira: ${sig}: cell ${flags.cell} stops here and resumes on the next submission\n`);
    void stopStudyWorkers(poolDir).finally(() => process.exit(143));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const result = await runAblation(matrix, {
    out: flags.out,
    studyId: flags.studyId,
    registry,
    // Attached: when Slurm ends the task it ends the daemons with it, even one still starting.
    launch: localWorkerLauncher(['--log-level', 'warn'], { attached: true }),
    gpus,
    only: [flags.cell!],
    poolDir,
    logger: (cellDir) =>
      createLogger({ name: 'aira-coordinator', file: join(cellDir, 'coordinator.log'), level: 'warn' }),
    onCell: (p) => !flags.quiet && process.stderr.write(`${progressLine(p, dir)}\n`),
  });
  const failed = result.cells.find((c) => c.status === 'failed');
  if (failed) {
    process.stderr.write(`aira: cell ${failed.cellId} failed: ${failed.error}\n`);
    process.exitCode = 1;
  }
}
