import type { PaperRow } from './matrix/schema.js';

/**
 * The paper's published numbers (AIRA2, arXiv:2603.26499 v1), as docs/paper.md records them.
 * Checkpoints are hours of the same 72 h run (§1 "Time budgets").
 */

export interface PaperTable1Row {
  label: string;
  /** Mean Percentile Rank ± SE over 3 seeds × 30 tasks, by checkpoint hour (3, 24, 72). */
  pr: Record<number, { mean: number; se: number }>;
  /** Medal rates in %, by checkpoint hour (no ± published). */
  bronzePlus: Record<number, number>;
  silverPlus: Record<number, number>;
  gold: Record<number, number>;
}

const h3 = <T>(a: T, b: T, c: T): Record<number, T> => ({ 3: a, 24: b, 72: c });
const pr = (m: number, se: number) => ({ mean: m, se });

/** docs/paper.md §Table 1. */
export const PAPER_TABLE1: Record<PaperRow, PaperTable1Row> = {
  full: {
    label: 'AIRA2 (8 GPU, sub-agents, HCE)',
    pr: h3(pr(59.9, 3.6), pr(71.8, 3.5), pr(76.0, 3.4)),
    bronzePlus: h3(38.9, 57.8, 61.1),
    silverPlus: h3(33.3, 50.0, 58.9),
    gold: h3(20.0, 32.2, 36.7),
  },
  '1-gpu': {
    label: 'AIRA2 (1 GPU)',
    pr: h3(pr(41.3, 3.9), pr(56.8, 3.8), pr(63.5, 3.8)),
    bronzePlus: h3(22.2, 41.1, 51.1),
    silverPlus: h3(17.8, 32.2, 41.1),
    gold: h3(10.0, 20.0, 24.4),
  },
  'no-subagents': {
    label: 'AIRA2 (No Subagents)',
    pr: h3(pr(54.4, 3.7), pr(68.6, 3.6), pr(73.7, 3.6)),
    bronzePlus: h3(33.3, 52.2, 60.0),
    silverPlus: h3(30.0, 47.8, 53.3),
    gold: h3(13.3, 32.2, 37.8),
  },
  'no-hce': {
    label: 'AIRA2 (No HCE)',
    pr: h3(pr(43.4, 3.8), pr(56.8, 4.2), pr(56.3, 4.3)),
    bronzePlus: h3(29.7, 46.5, 47.5),
    silverPlus: h3(25.7, 45.5, 46.5),
    gold: h3(12.9, 30.7, 32.7),
  },
  'no-evo': {
    label: 'AIRA2 (No Evo = best-of-K on 8 GPUs)',
    pr: h3(pr(54.7, 3.6), pr(64.0, 3.5), pr(65.2, 3.5)),
    bronzePlus: h3(35.3, 45.9, 47.1),
    silverPlus: h3(31.8, 40.0, 43.5),
    gold: h3(16.5, 23.5, 24.7),
  },
};

/** Checkpoint hours Table 1 reports. */
export const PAPER_TABLE1_HOURS = [3, 24, 72];
/** Checkpoint hours Table 2 reports. */
export const PAPER_TABLE2_HOURS = [3, 12, 24, 72];

/** docs/paper.md §Table 2: full AIRA2's mean Percentile Rank per task at 3/12/24/72 h. */
export const PAPER_TABLE2: Record<string, [number, number, number, number]> = {
  'aptos2019-blindness-detection': [70.3, 87.7, 97.3, 97.4],
  'billion-word-imputation': [66.7, 100, 100, 100],
  'bms-molecular-translation': [19.7, 28.2, 57.7, 69.1],
  'cassava-leaf-disease-classification': [58.9, 87.4, 84.7, 89.2],
  'champs-scalar-coupling': [30.7, 49.2, 63.1, 78.1],
  'freesound-audio-tagging-2019': [98.2, 99.7, 100, 100],
  'h-and-m-personalized-fashion-recommendations': [27.6, 29.0, 29.2, 29.6],
  'hms-harmful-brain-activity-classification': [30.3, 30.6, 30.3, 31.8],
  'hotel-id-2021-fgvc8': [85.5, 89.1, 89.9, 94.6],
  'hubmap-kidney-segmentation': [89.3, 93.3, 93.9, 98.9],
  'imet-2020-fgvc7': [38.6, 52.6, 71.9, 85.6],
  'jigsaw-unintended-bias-in-toxicity-classification': [8.1, 8.1, 8.1, 8.4],
  'kuzushiji-recognition': [86.7, 94.4, 95.3, 97.5],
  'mlsp-2013-birds': [96.7, 97.9, 98.3, 98.8],
  'multi-modal-gesture-recognition': [63.0, 70.4, 70.4, 81.5],
  'new-york-city-taxi-fare-prediction': [37.5, 38.8, 38.8, 37.0],
  'nfl-player-contact-detection': [42.5, 71.1, 71.9, 82.7],
  'nomad2018-predict-transparent-conductors': [99.7, 99.6, 99.7, 99.8],
  'osic-pulmonary-fibrosis-progression': [13.9, 10.9, 11.0, 12.5],
  'petfinder-pawpularity-score': [54.4, 56.4, 63.4, 88.6],
  'plant-pathology-2021-fgvc8': [100, 100, 100, 100],
  'smartphone-decimeter-2022': [4.9, 5.0, 5.0, 9.0],
  'spooky-author-identification': [97.3, 98.0, 97.9, 98.4],
  'stanford-covid-vaccine': [100, 100, 100, 100],
  'tensorflow2-question-answering': [48.9, 94.3, 97.3, 97.7],
  'tweet-sentiment-extraction': [73.3, 96.3, 95.9, 93.7],
  'us-patent-phrase-to-phrase-matching': [96.5, 99.5, 99.6, 99.9],
  'uw-madison-gi-tract-image-segmentation': [18.1, 22.5, 26.2, 33.4],
  'ventilator-pressure-prediction': [48.8, 55.4, 55.9, 61.8],
  'whale-categorization-playground': [92.1, 98.6, 98.6, 99.3],
};

/** docs/paper.md §Fig. 3: 8 GPUs against 1 GPU at equal GPU-hours, PR points. */
export const PAPER_FIG3_NOTES = [
  '8 GPUs start slightly behind 1 GPU at equal GPU-hours (time spent building a diverse initial population), then pull ahead: +3.1 PR points at 24 GPU-h, +5.2 at 96, +7.5 at 144.',
  "Best-of-K on 8 GPUs rises fast at first, then levels off at the single-GPU evolutionary agent's final score, reaching it around the 9-hour mark.",
];

const HOUR = 3_600_000;

/** The paper's hour for a checkpoint, when the checkpoint is one of the paper's cut-offs. */
export function paperHour(ms: number, hours: readonly number[]): number | null {
  const h = ms / HOUR;
  return hours.includes(h) ? h : null;
}

/** Table 2's value for a competition at a checkpoint, when the paper has one. */
export function paperTable2(competition: string, ms: number): number | null {
  const row = PAPER_TABLE2[competition];
  const h = paperHour(ms, PAPER_TABLE2_HOURS);
  return row && h !== null ? row[PAPER_TABLE2_HOURS.indexOf(h)]! : null;
}
