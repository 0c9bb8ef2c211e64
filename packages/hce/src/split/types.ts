import type { Competition } from '@aira/competitions';
import type { Fractions } from './assign.js';
import type { HiddenPart } from './labelled.js';
import type { HiddenRows } from './leaks.js';

export interface SplitterContext {
  competition: Competition;
  /** The competition's prepared public folder (the labelled data is carved from it). */
  source: string;
  /** The HCE public folder being built (empty at the start). */
  outPublic: string;
  /** The HCE hidden folder being built (empty at the start). */
  outHidden: string;
  fractions: Fractions;
  seed: number;
}

/** What a splitter (built-in, an HCE recipe, or a plugin's split()) produced. */
export interface SplitterResult {
  /** Answer files, absolute, inside outHidden. */
  answers: Record<HiddenPart, string>;
  /** Input files per hidden part, relative to the public folder (may be empty: then the sample lists the rows). */
  inputs: Record<HiddenPart, string[]>;
  /**
   * Media of each hidden part (folders or archives relative to the public folder) when the
   * splitter moved them out of the train media, as MLE-bench moves test media out of train folders.
   */
  media?: Record<HiddenPart, string[]>;
  /** Sample submission per hidden part, relative to the public folder. */
  samples: Record<HiddenPart, string>;
  /** Source paths (relative to public; a folder covers what is under it) not to carry over. */
  skip: string[];
  /** Keys of the hidden rows, for stripping them from side tables a leak entry names. */
  hidden: HiddenRows | null;
  counts?: Record<string, { rows: number; units: number }>;
  method: string;
}

export type Splitter = (ctx: SplitterContext) => Promise<SplitterResult>;
