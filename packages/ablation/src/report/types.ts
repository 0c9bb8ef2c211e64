import type { Direction } from '@aira/core';
import type { CellResult } from '../aggregate/cells.js';
import type { MeanSe } from '../aggregate/stats.js';
import type { Gap, Table1Entry, Table2Entry } from '../aggregate/tables.js';
import type { AblationDoc, Launch } from '../study/files.js';

export const ABLATION_REPORT_FORMAT = 'aira.ablation-report/1';

/** The paper's Table 1 numbers for a variant at a checkpoint (docs/paper.md §Table 1). */
export interface PaperTable1Entry {
  row: string;
  label: string;
  hours: number;
  pr: { mean: number; se: number };
  bronzePlus: number;
  silverPlus: number;
  gold: number;
}

export interface Table1Row extends Table1Entry {
  variant: string;
  checkpoint: string;
  atMs: number;
  paper: PaperTable1Entry | null;
}

export interface Table2Row extends Table2Entry {
  variant: string;
  competition: string;
  checkpoint: string;
  atMs: number;
  /** The paper's Table 2 mean for full AIRA2 (docs/paper.md §Table 2), when this is the paper's matrix and checkpoint. */
  paper: number | null;
}

export interface GapRow extends Gap {
  variant: string;
  reference: string;
  checkpoint: string;
  atMs: number;
  /** The paper's gap (PR points) for the same rows and checkpoint, when this is the paper's matrix. */
  paper: number | null;
}

export interface CurvePoint {
  activeMs: number;
  /** Active time × the variant's workers, in hours: the paper's GPU-hours (Fig. 3) on GPU workers. */
  workerHours: number;
  pr: MeanSe;
}

export interface Curve {
  variant: string;
  workers: number;
  points: CurvePoint[];
}

export interface TestCurve {
  variant: string;
  competition: string;
  points: Array<{ activeMs: number; test: MeanSe }>;
}

/**
 * `ablation-report.json`: everything the tables, plots and MLE-bench export are made from, read
 * from the cells' journals alone.
 */
export interface AblationReport {
  format: typeof ABLATION_REPORT_FORMAT;
  studyId: string;
  generatedAt: string;
  airaVersion: string;
  matrix: AblationDoc['matrix'];
  /** The launches that made the numbers: command, machine, load. */
  launches: Launch[];
  sizes: {
    variants: number;
    competitions: number;
    seeds: number;
    cells: number;
    budgetMs: number;
    /** Σ over cells of workers × budget, in hours. */
    workerHours: number;
  };
  progress: { ended: number; running: number; pending: number };
  /** Mean 1-minute load average of the machine while each variant's cells ran (from the launches' samples). */
  variantLoad: Record<string, { mean: number; samples: number } | null>;
  /** Cells whose workers had no protecting sandbox (hidden answers readable by candidate code). */
  unprotectedCells: number;
  leaderboard: string;
  /** What worker-time is called: GPU-hours when the workers had GPUs (or for the paper's matrix before it ran). */
  computeUnit: 'GPU-hours' | 'worker-hours';
  /** The first variant: gaps are measured against it. */
  reference: string;
  cells: CellResult[];
  table1: Table1Row[];
  table2: Table2Row[];
  gaps: GapRow[];
  curves: Curve[];
  testCurves: TestCurve[];
  directions: Record<string, Direction>;
  paperNotes: string[];
}
