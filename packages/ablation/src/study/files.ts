import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, UserError } from '@aira/core';
import { endOf, readJournal, type JournalEvent } from '@aira/coordinator';
import type { Cell } from '../matrix/expand.js';
import type { Matrix } from '../matrix/load.js';

export const ABLATION_FORMAT = 'aira.ablation/1';

/** `ablation.json`: what the study is (the matrix as validated and its cells), rewritten on each launch. */
export interface AblationDoc {
  format: typeof ABLATION_FORMAT;
  studyId: string;
  createdAt: string;
  updatedAt: string;
  /** The matrix's own fields as loaded; its variants and launcher as resolved for the cells. */
  matrix: Omit<Matrix, 'base' | 'variants' | 'launcher' | 'order'> & {
    variants: Array<{
      name: string;
      description?: string;
      paper?: string;
      overrides: Record<string, unknown>;
      localWorkers: number | null;
      policy: string;
      hce: string;
      agent: string;
      perExecMs: number;
      budgetMs: number;
      maxJobs: number | null;
    }>;
    launcher: { kind: string; slots?: number };
    /** Launch order of the cells (absent in studies made before it existed: variant-major). */
    order?: 'interleaved' | 'variant-major';
  };
  cells: Array<{
    cellId: string;
    variant: string;
    competition: string;
    seed: number;
    localWorkers: number | null;
    fingerprint: string;
  }>;
  /** Every `aira ablate` of this study: the command and the machine it ran on. */
  launches: Launch[];
}

/** One launch of the study (the report states the command and machine that made its numbers). */
export interface Launch {
  startedAt: string;
  endedAt?: string;
  command: string;
  host: { hostname: string; cpus: number; memoryGiB: number; node: string };
  /** 1/5/15-minute load averages at the start and at the end (the machine may be shared). */
  loadStart: number[];
  loadEnd?: number[];
  /** 1-minute load average sampled every 15 s while the launch ran: mean and max. */
  load?: { mean: number; max: number; samples: number };
  /** The samples themselves, [unix ms, 1-minute load], so a report can say the load while each variant ran. */
  loadSeries?: Array<[number, number]>;
  /** Cells this launch ran, resumed and skipped. */
  ran?: number;
  resumed?: number;
  skipped?: number;
  failed?: number;
}

/** `<cell>/cell.json`: which cell a folder holds, and the config it was started with. */
export interface CellDoc {
  cellId: string;
  variant: string;
  competition: string;
  seed: number;
  fingerprint: string;
  startedAt: string;
}

export const ablationPaths = (dir: string) => ({
  doc: join(dir, 'ablation.json'),
  token: join(dir, 'token'),
  workers: join(dir, 'workers'),
  cell: (cellId: string) => join(dir, cellId),
  mlebench: join(dir, 'mlebench'),
  plots: join(dir, 'plots'),
});

export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

export function isAblationStudy(dir: string): boolean {
  return existsSync(ablationPaths(dir).doc);
}

/** Finds an ablation study from an id (under `out`) or a folder; null when neither holds one. */
export function locateAblation(idOrPath: string, out: string): string | null {
  for (const dir of [join(out, idOrPath), idOrPath]) if (isAblationStudy(dir)) return dir;
  return null;
}

export function readAblationDoc(dir: string): AblationDoc {
  const path = ablationPaths(dir).doc;
  if (!existsSync(path)) throw new UserError(`no ablation study at ${dir} (no ablation.json)`);
  let doc: AblationDoc;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as AblationDoc;
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const format: unknown = doc.format;
  if (format !== ABLATION_FORMAT)
    throw new ConfigError(`${path}: format "${String(format)}" is not ${ABLATION_FORMAT}`);
  return doc;
}

export function ablationDoc(
  studyId: string,
  matrix: Matrix,
  cells: Cell[],
  previous: AblationDoc | null,
): AblationDoc {
  const now = new Date().toISOString();
  return {
    format: ABLATION_FORMAT,
    studyId,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    matrix: {
      file: matrix.file,
      name: matrix.name,
      ...(matrix.description ? { description: matrix.description } : {}),
      ...(matrix.paper ? { paper: matrix.paper } : {}),
      ...(matrix.suite ? { suite: matrix.suite } : {}),
      competitions: matrix.competitions,
      seeds: matrix.seeds,
      budgetMs: matrix.budgetMs,
      checkpoints: matrix.checkpoints,
      hash: matrix.hash,
      variants: matrix.variants.map((v) => {
        const first = cells.find((c) => c.variant === v.name);
        const cfg = v.config;
        return {
          name: v.name,
          ...(v.description ? { description: v.description } : {}),
          ...(v.paper ? { paper: v.paper } : {}),
          overrides: v.overrides,
          localWorkers: first?.localWorkers ?? null,
          policy: cfg.search.policy,
          hce: cfg.hce,
          agent: cfg.agent.name,
          perExecMs: cfg.budget.perExec,
          budgetMs: cfg.budget.wallClock,
          maxJobs: cfg.budget.maxJobs ?? null,
        };
      }),
      launcher: matrix.launcher,
      order: matrix.order,
    },
    cells: cells.map((c) => ({
      cellId: c.cellId,
      variant: c.variant,
      competition: c.competition,
      seed: c.seed,
      localWorkers: c.localWorkers,
      fingerprint: c.fingerprint,
    })),
    launches: previous?.launches ?? [],
  };
}

export function readCellDoc(cellDir: string): CellDoc | null {
  try {
    return JSON.parse(readFileSync(join(cellDir, 'cell.json'), 'utf8')) as CellDoc;
  } catch {
    return null;
  }
}

export function writeCellDoc(cellDir: string, cell: Cell): void {
  mkdirSync(cellDir, { recursive: true });
  writeJsonAtomic(join(cellDir, 'cell.json'), {
    cellId: cell.cellId,
    variant: cell.variant,
    competition: cell.competition,
    seed: cell.seed,
    fingerprint: cell.fingerprint,
    startedAt: new Date().toISOString(),
  } satisfies CellDoc);
}

/** The run folder inside a cell (a cell is a one-run coordinator study). */
export const runIdOf = (competition: string, seed: number) => `${competition}-s${seed}`;
export const cellJournal = (cellDir: string, competition: string, seed: number) =>
  join(cellDir, runIdOf(competition, seed), 'journal.jsonl');

export type CellState = 'new' | 'interrupted' | 'ended';

/**
 * Where a cell stands: `new` (never started, or started before its run began), `interrupted` (its
 * journal has no run.ended: a killed `aira ablate`; resumed from the journal), `ended`.
 */
export function cellState(
  cellDir: string,
  competition: string,
  seed: number,
): { state: CellState; events: JournalEvent[] } {
  if (!existsSync(join(cellDir, 'study.json'))) return { state: 'new', events: [] };
  const { events } = readJournal(cellJournal(cellDir, competition, seed));
  if (endOf(events)) return { state: 'ended', events };
  return { state: 'interrupted', events };
}
