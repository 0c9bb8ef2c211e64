import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '@aira/core';
import {
  ENDED_STATES,
  SlurmConfig,
  jobStates,
  sbatch,
  sbatchLines,
  scancel,
  type SlurmEnv,
} from '@aira/coordinator';
import type { Cell } from '../matrix/expand.js';
import { ablationPaths, cellState } from '../study/files.js';

export interface SlurmArrayOptions {
  /** The study folder (`<out>/<studyId>`). */
  dir: string;
  out: string;
  studyId: string;
  /** The matrix file, as the array tasks read it again. */
  matrixFile: string;
  /** Cells to run (the ones not ended), in launch order. */
  cells: Cell[];
  /** The allocation of one cell (from the matrix's `launcher.slurm`, flags over it). */
  slurm: SlurmConfig;
  /** Array tasks at once (`%N`); unset: no throttle. */
  maxParallel?: number;
  /** argv that runs `aira` on a node (the CLI passes its own). */
  aira: string[];
  env?: NodeJS.ProcessEnv;
  pollMs?: number;
  /** Aborting it cancels the array (cells under way resume on the next submission). */
  stop?: AbortSignal;
  onTask?: (t: { cell: Cell; index: number; task: string; state: string }) => void;
}

export interface SlurmArrayResult {
  jobId: string;
  /** Slurm's last state of each cell's task. */
  states: Map<string, string>;
  cancelled: boolean;
}

/** The sbatch options of one array task: one node, one coordinator with the cell's workers as local daemons. */
export function cellAllocation(cfg: SlurmConfig, workers: number): string[] {
  const gpus = cfg.gpusPerNode > 0 || cfg.gres !== undefined;
  const lines = sbatchLines(
    SlurmConfig.parse({
      ...cfg,
      nodes: 1,
      slotsPerNode: 1,
      gpusPerNode: gpus ? workers : 0,
      gres: undefined,
      cpusPerGpu: (cfg.cpusPerGpu ?? 1) * workers,
      memPerGpu: undefined,
    }),
  );
  const mem = cfg.memPerGpu ? /^(\d+)([KMGT]?)$/i.exec(cfg.memPerGpu) : null;
  // Memory per worker: per GPU where there are GPUs, else the task's memory for all its workers.
  if (mem)
    lines.push(
      gpus
        ? `#SBATCH --mem-per-gpu=${cfg.memPerGpu}`
        : `#SBATCH --mem=${Number(mem[1]) * workers}${mem[2]!.toUpperCase()}`,
    );
  return lines;
}

const quote = (s: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The array script: task i runs the i-th line of the cells file with `aira ablate --cell`. */
export function arrayScript(
  o: Omit<SlurmArrayOptions, 'cells' | 'env' | 'pollMs' | 'stop' | 'onTask'> & {
    cellsFile: string;
    count: number;
    workers: number;
    logDir: string;
  },
): string {
  const throttle = o.maxParallel ? `%${o.maxParallel}` : '';
  const aira = o.aira.map(quote).join(' ');
  return [
    '#!/bin/bash',
    '# An aira ablation array: one task per cell not ended yet; each task is one coordinator with',
    "# its cell's workers as local daemons in the allocation. Re-submitting skips ended cells and",
    '# resumes interrupted ones from their journals.',
    `#SBATCH --job-name=aira-ablate-${o.studyId}`,
    `#SBATCH --output=${quote(o.logDir)}/%x-%A_%a.out`,
    `#SBATCH --array=0-${o.count - 1}${throttle}`,
    ...cellAllocation(o.slurm, o.workers),
    '',
    `CELL=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${quote(o.cellsFile)})`,
    '# Slurm sends SIGTERM before preemption and at the time limit: the cell stops where it is and',
    '# resumes from its journal on the next submission.',
    `exec ${o.slurm.container ? `${o.slurm.container} ` : ''}${aira} ablate ${quote(o.matrixFile)} --out ${quote(o.out)} --study-id ${quote(o.studyId)} --cell "$CELL" --no-report`,
    '',
  ].join('\n');
}

/**
 * Submits the cells as one Slurm job array and waits for it: each task's end is reported as Slurm
 * saw it; a stop cancels the whole array (the cells' journals stay, so they resume next time).
 */
export async function runCellsOnSlurm(o: SlurmArrayOptions): Promise<SlurmArrayResult> {
  if (o.cells.length === 0) throw new UserError('no cell left to run');
  const logDir = join(o.dir, 'slurm');
  mkdirSync(logDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const cellsFile = join(logDir, `cells-${stamp}.txt`);
  writeFileSync(cellsFile, `${o.cells.map((c) => c.cellId).join('\n')}\n`);
  const workers = Math.max(1, ...o.cells.map((c) => c.localWorkers ?? 1));
  const script = join(logDir, `array-${stamp}.sbatch`);
  writeFileSync(script, arrayScript({ ...o, cellsFile, count: o.cells.length, workers, logDir }), {
    mode: 0o755,
  });
  await cancelEarlierArrays(logDir, o);
  const jobId = await sbatch(script, `the ablation array of ${o.cells.length} cell(s)`, o);
  appendFileSync(join(logDir, 'arrays.txt'), `${jobId}\n`);
  const states = new Map<string, string>();
  let cancelled = false;
  const onStop = () => {
    cancelled = true;
    void scancel([jobId], o);
  };
  o.stop?.addEventListener('abort', onStop);
  if (o.stop?.aborted) onStop();
  try {
    for (;;) {
      const now = await jobStates([jobId], o);
      for (const s of now) {
        const index = s.task !== null && /^\d+$/.test(s.task) ? Number(s.task) : -1;
        const cell = o.cells[index];
        if (!cell || states.get(cell.cellId) === s.state) continue;
        states.set(cell.cellId, s.state);
        o.onTask?.({ cell, index, task: s.id, state: s.state });
      }
      if (now.length === 0 || now.every((s) => ENDED_STATES.has(s.state))) break;
      await new Promise((r) => setTimeout(r, o.pollMs ?? 10_000));
    }
  } finally {
    o.stop?.removeEventListener('abort', onStop);
  }
  return { jobId, states, cancelled };
}

/**
 * An array an earlier `aira ablate` submitted and did not see end (it was killed) would run its
 * cells beside the new one's: it is cancelled, and its end awaited, before anything is submitted.
 */
async function cancelEarlierArrays(logDir: string, o: SlurmEnv): Promise<void> {
  const file = join(logDir, 'arrays.txt');
  if (!existsSync(file)) return;
  const ids = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\d+$/.test(l));
  const live = (await jobStates(ids, o)).filter((s) => !ENDED_STATES.has(s.state));
  if (live.length === 0) return;
  await scancel([...new Set(live.map((s) => s.jobId))], o);
  const until = Date.now() + 120_000;
  while (Date.now() < until && (await jobStates(ids, o)).some((s) => !ENDED_STATES.has(s.state)))
    await new Promise((r) => setTimeout(r, 500));
}

/** Cells of a matrix not ended yet (what a submission runs). */
export function cellsToRun(cells: Cell[], dir: string): Cell[] {
  return cells.filter(
    (c) => cellState(ablationPaths(dir).cell(c.cellId), c.competition, c.seed).state !== 'ended',
  );
}
