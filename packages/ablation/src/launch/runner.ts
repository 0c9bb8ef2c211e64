import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, hostname, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { ConfigError, UserError, errorMessage, silentLogger, type Logger } from '@aira/core';
import {
  RunConfig,
  evaluatorFor,
  prepareCompetition,
  resumeStudy,
  runStudy,
  type JournalEvent,
  type LocalLauncher,
  type Registry,
  type RunResult,
} from '@aira/coordinator';
import { expandMatrix, type Cell } from '../matrix/expand.js';
import type { Matrix } from '../matrix/load.js';
import {
  ablationDoc,
  ablationPaths,
  cellState,
  readAblationDoc,
  readCellDoc,
  writeCellDoc,
  writeJsonAtomic,
  type CellState,
  type Launch,
} from '../study/files.js';
import { localPool } from './local.js';
import type { Launcher, Lease } from './types.js';

export interface AblationOptions {
  /** Folder that holds studies; the study is `<out>/<studyId>`. */
  out: string;
  /** Default: the matrix's name, so running the same matrix again finds the same study. */
  studyId?: string;
  /** Agents, evaluators (HCE) and suites, as the cli wires them. */
  registry: Registry;
  /** Starts one local worker daemon (`aira worker`); needed by the default `local` launcher. */
  launch?: LocalLauncher;
  /** Another launcher than the local pool (it then lends every cell asking for local workers). */
  launcher?: Launcher;
  /** GPUs on this machine (for `workers.spec: [local]`); default 0 → 2 CPU slots, as the coordinator counts. */
  gpus?: number;
  /** Logger of one cell's coordinator (e.g. into `<cell>/coordinator.log`). */
  logger?: (cellDir: string) => Logger;
  /** Once aborted, no further cell starts; cells under way run to their end. */
  drain?: AbortSignal;
  onCell?: (progress: CellProgress) => void;
  onEvent?: (cellId: string, event: JournalEvent) => void;
  /** The command line recorded with this launch (default: this process's argv). */
  command?: string;
  /**
   * Run only these cells (a Slurm array task runs one), leaving the study's own files to the
   * process that submitted the array; `[]` prepares the study (checks, ablation.json, data) and runs none.
   */
  only?: string[];
  /** Folder of the local pool's daemons and token (default: the study folder); array tasks running at once each need their own. */
  poolDir?: string;
}

export type CellProgress =
  | { kind: 'skipped'; cell: Cell; index: number; total: number; state: CellState }
  | { kind: 'started'; cell: Cell; index: number; total: number; resumed: boolean; workers: number | null }
  | { kind: 'ended'; cell: Cell; index: number; total: number; result: RunResult; seconds: number }
  | { kind: 'failed'; cell: Cell; index: number; total: number; error: string };

export interface CellOutcome {
  cellId: string;
  status: 'skipped' | 'ran' | 'resumed' | 'failed' | 'not-run';
  endReason?: string;
  error?: string;
}

export interface AblationResult {
  studyId: string;
  dir: string;
  cells: CellOutcome[];
  /** True when a drain request left cells for the next run. */
  drained: boolean;
}

/**
 * Runs an ablation study (docs/words.md §study: variants × competitions × seeds): every cell is a
 * one-run coordinator study in `<study>/<cell-id>/`. Cells whose run ended are skipped; cells
 * whose journal stops short (a killed `aira ablate`) are resumed from it; the rest start. Cells
 * run side by side as the launcher has workers for them.
 */
export async function runAblation(matrix: Matrix, options: AblationOptions): Promise<AblationResult> {
  const studyId = options.studyId ?? matrix.name;
  const dir = join(options.out, studyId);
  const paths = ablationPaths(dir);
  const cells = expandMatrix(matrix, options.gpus ?? 0);
  const previous = existsSync(paths.doc) ? readAblationDoc(dir) : null;
  for (const cell of cells) {
    const doc = readCellDoc(paths.cell(cell.cellId));
    if (doc && doc.fingerprint !== cell.fingerprint) {
      throw new ConfigError(
        `${paths.cell(cell.cellId)} was run with another configuration of variant "${cell.variant}" (the matrix changed since); run the changed matrix as a new study (--study-id NAME)`,
      );
    }
  }
  mkdirSync(dir, { recursive: true });
  // An array task shares the study with others running at once: it leaves ablation.json alone.
  const task = options.only !== undefined && options.only.length > 0;
  const writeDoc = (d: typeof doc) => !task && writeJsonAtomic(paths.doc, d);
  const doc = ablationDoc(studyId, matrix, cells, previous);
  const launch: Launch = {
    startedAt: new Date().toISOString(),
    command: options.command ?? process.argv.slice(1).join(' '),
    host: {
      hostname: hostname(),
      cpus: availableParallelism(),
      memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      node: process.version,
    },
    loadStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  doc.launches.push(launch);
  writeDoc(doc);
  const series: Array<[number, number]> = [];
  const sample = () => series.push([Date.now(), Math.round(loadavg()[0]! * 100) / 100]);
  sample();
  const sampler = setInterval(sample, 15_000);
  sampler.unref();

  const states = new Map(
    cells.map((c) => [c.cellId, cellState(paths.cell(c.cellId), c.competition, c.seed).state]),
  );
  const outcomes = new Map<string, CellOutcome>();
  const total = cells.length;
  cells.forEach((cell, index) => {
    const state = states.get(cell.cellId)!;
    if (state === 'ended') {
      outcomes.set(cell.cellId, { cellId: cell.cellId, status: 'skipped' });
      options.onCell?.({ kind: 'skipped', cell, index, total, state });
    }
  });
  const todo = cells
    .map((cell, index) => ({ cell, index }))
    .filter(
      ({ cell }) =>
        states.get(cell.cellId) !== 'ended' && (!options.only || options.only.includes(cell.cellId)),
    );
  if (options.only) {
    const unknown = options.only.filter((id) => !cells.some((c) => c.cellId === id));
    if (unknown.length > 0) throw new UserError(`no cell ${unknown.join(', ')} in matrix ${matrix.name}`);
  }
  const result = (): AblationResult => {
    const out = cells.map((c) => outcomes.get(c.cellId) ?? { cellId: c.cellId, status: 'not-run' as const });
    const count = (s: CellOutcome['status']) => out.filter((o) => o.status === s).length;
    clearInterval(sampler);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    sample();
    const loads = series.map(([, l]) => l);
    launch.load = {
      mean: r2(loads.reduce((a, b) => a + b, 0) / loads.length),
      max: r2(Math.max(...loads)),
      samples: loads.length,
    };
    launch.loadSeries = series;
    Object.assign(launch, {
      endedAt: new Date().toISOString(),
      loadEnd: loadavg().map((x) => Math.round(x * 100) / 100),
      ran: count('ran'),
      resumed: count('resumed'),
      skipped: count('skipped'),
      failed: count('failed'),
    });
    writeDoc(doc);
    return { studyId, dir, cells: out, drained: Boolean(options.drain?.aborted) };
  };
  if (todo.length === 0 && options.only?.length !== 0) return result();

  await warmUp(
    dir,
    options.only?.length === 0
      ? cells.filter((c) => states.get(c.cellId) !== 'ended')
      : todo.map((t) => t.cell),
    options.registry,
  );
  if (todo.length === 0) return result();

  const wantLocal = todo.map(({ cell }) => cell.localWorkers).filter((n): n is number => n !== null);
  let launcher: Launcher | null = null;
  if (wantLocal.length > 0) {
    if (options.launcher) launcher = options.launcher;
    else {
      if (!options.launch)
        throw new UserError(
          'cells ask for local workers, but no way to start them was given (run through the aira command)',
        );
      launcher = localPool({
        launch: options.launch,
        dir: options.poolDir ?? dir,
        slots: matrix.launcher.slots ?? Math.max(...wantLocal),
      });
    }
    const most = todo.reduce(
      (m, { cell }) =>
        cell.localWorkers !== null && cell.localWorkers > m.n
          ? { n: cell.localWorkers, variant: cell.variant }
          : m,
      { n: 0, variant: '' },
    );
    if (most.n > launcher.capacity) {
      throw new ConfigError(
        `${matrix.file ?? 'matrix'}: variant ${most.variant} asks for ${most.n} local workers, but the launcher has ${launcher.capacity} (launcher.slots)`,
      );
    }
  }

  let failed = false;
  const running: Array<Promise<void>> = [];
  try {
    await launcher?.start();
    const stopping = () => Boolean(options.drain?.aborted) || failed;
    const start = ({ cell, index }: (typeof todo)[number], lease: Lease | null) => {
      const resumed = states.get(cell.cellId) === 'interrupted';
      options.onCell?.({ kind: 'started', cell, index, total, resumed, workers: cell.localWorkers });
      const t0 = Date.now();
      running.push(
        runCell(dir, cell, resumed, lease, options)
          .then((r) => {
            outcomes.set(cell.cellId, {
              cellId: cell.cellId,
              status: resumed ? 'resumed' : 'ran',
              endReason: r.reason,
            });
            options.onCell?.({
              kind: 'ended',
              cell,
              index,
              total,
              result: r,
              seconds: (Date.now() - t0) / 1000,
            });
          })
          .catch((err: unknown) => {
            failed = true;
            outcomes.set(cell.cellId, { cellId: cell.cellId, status: 'failed', error: errorMessage(err) });
            options.onCell?.({ kind: 'failed', cell, index, total, error: errorMessage(err) });
          })
          .finally(() => lease?.release()),
      );
    };
    const queue = [...todo];
    while (queue.length > 0 && !stopping()) {
      const next = queue.shift()!;
      const lease =
        next.cell.localWorkers !== null
          ? await launcher!.acquire(next.cell.localWorkers, paths.cell(next.cell.cellId))
          : null;
      if (stopping()) {
        lease?.release();
        break;
      }
      start(next, lease);
      // Cells that fit in the workers left free start beside it: with the same budget they end about
      // when it does, so they hold back no cell waiting in front of them.
      while (launcher && launcher.available() > 0 && !stopping()) {
        const i = queue.findIndex(
          ({ cell }) => cell.localWorkers !== null && cell.localWorkers <= launcher!.available(),
        );
        if (i < 0) break;
        const [beside] = queue.splice(i, 1);
        start(beside!, await launcher.acquire(beside!.cell.localWorkers!, paths.cell(beside!.cell.cellId)));
      }
    }
  } finally {
    await Promise.all(running);
    await launcher?.close();
  }
  return result();
}

async function runCell(
  dir: string,
  cell: Cell,
  resumed: boolean,
  lease: Lease | null,
  o: AblationOptions,
): Promise<RunResult> {
  const cellDir = ablationPaths(dir).cell(cell.cellId);
  const common = {
    registry: o.registry,
    logger: o.logger ?? (() => silentLogger()),
    onEvent: o.onEvent ? (_runId: string, e: JournalEvent) => o.onEvent!(cell.cellId, e) : undefined,
  };
  let study;
  if (resumed) study = await resumeStudy(cellDir, common);
  else {
    writeCellDoc(cellDir, cell);
    const config = RunConfig.parse({
      ...cell.config,
      out: dir,
      workers: lease
        ? { ...cell.config.workers, spec: lease.workers.spec, tokenFile: lease.workers.tokenFile }
        : cell.config.workers,
    });
    study = await runStudy(config, {
      ...common,
      studyId: cell.cellId,
      provenance: new Map([['labels.variant', `ablation variant ${cell.variant}`]]),
    });
  }
  const run = study.runs[0];
  if (!run) throw new UserError(`cell ${cell.cellId} ended without a run (stopped before it began)`);
  return run;
}

/**
 * Prepares each competition once per evaluator before any cell starts (plugin data, the HCE split,
 * both cached): a run counts its evaluator's preparation in its active time, so without this the
 * first cell of each competition would pay the one-time split out of its budget and the others not.
 */
async function warmUp(dir: string, cells: Cell[], registry: Registry): Promise<void> {
  const seen = new Set<string>();
  const scratch = join(dir, '.warm-up');
  try {
    for (const cell of cells) {
      const entry = evaluatorFor(cell.config, cell.competition, registry);
      const name = entry.id;
      const key = `${name}\u0000${cell.competition}`;
      const factory = entry.create;
      if (seen.has(key)) continue;
      seen.add(key);
      const runDir = join(scratch, `${name}-${cell.competition}`);
      mkdirSync(runDir, { recursive: true });
      await factory(cell.config).prepare({
        runId: 'warm-up',
        competition: cell.competition,
        definition: await prepareCompetition(cell.competition, registry),
        config: cell.config,
        runDir,
      });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
