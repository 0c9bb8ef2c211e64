import { createHash } from 'node:crypto';
import { RunConfig } from '@aira/coordinator';
import type { Matrix, Variant } from './load.js';

/** One run of the study: a variant on one competition with one seed (docs/words.md §study). */
export interface Cell {
  cellId: string;
  variant: string;
  competition: string;
  seed: number;
  /** Local workers the cell asks for (`workers.spec: [local:N]`), or null when it brings its own (hosts, register). */
  localWorkers: number | null;
  /** The cell's run config before a launcher assigns workers (out and workers are the launcher's). */
  config: RunConfig;
  /** SHA-256 of that config: a re-run of the matrix refuses a cell folder made with another. */
  fingerprint: string;
}

export const cellId = (variant: string, competition: string, seed: number) =>
  `${variant}--${competition}--s${seed}`;

/**
 * Workers a `local[:N]` spec asks for: N, or one per GPU found (else 2 CPU slots), as the
 * coordinator's local pool counts them. Null for any other spec.
 */
export function localWorkersOf(spec: readonly string[], gpus: number): number | null {
  if (spec.length !== 1) return null;
  const m = /^local(?::(\d+))?$/.exec(spec[0]!);
  if (!m) return null;
  return m[1] !== undefined ? Number(m[1]) : gpus > 0 ? gpus : 2;
}

/**
 * The cells in the order they are launched: `interleaved` (seed, then competition, then variant),
 * so that a shared machine's load, which drifts over a study, falls on every variant alike; or
 * `variant-major` (variant, competition, seed).
 */
export function expandMatrix(matrix: Matrix, gpus = 0): Cell[] {
  const cells: Cell[] = [];
  if (matrix.order === 'variant-major') {
    for (const v of matrix.variants)
      for (const competition of matrix.competitions)
        for (const seed of matrix.seeds) cells.push(cellOf(matrix, v, competition, seed, gpus));
  } else {
    for (const seed of matrix.seeds)
      for (const competition of matrix.competitions)
        for (const v of matrix.variants) cells.push(cellOf(matrix, v, competition, seed, gpus));
  }
  return cells;
}

function cellOf(matrix: Matrix, v: Variant, competition: string, seed: number, gpus: number): Cell {
  const id = cellId(v.name, competition, seed);
  const config = RunConfig.parse({
    ...v.config,
    competitions: [competition],
    seeds: [seed],
    labels: { ...v.config.labels, ablation: matrix.name, variant: v.name, cell: id },
  });
  return {
    cellId: id,
    variant: v.name,
    competition,
    seed,
    localWorkers: localWorkersOf(config.workers.spec, gpus),
    config,
    fingerprint: createHash('sha256').update(JSON.stringify(config)).digest('hex'),
  };
}
