/**
 * @aira/hce: Hidden Consistent Evaluation (docs/paper.md §HCE): split the labelled data once,
 * score candidates outside the agent on hidden answers, pick the submission on validation.
 */
export {
  hceEvaluator,
  hceOffEvaluator,
  uploadFiles,
  transferMode,
  directionOf,
  stampSplit,
  type HceEvaluatorOptions,
} from './evaluator.js';
export { registerHce } from './register.js';
export {
  prepareHce,
  prepareOpen,
  splitKey,
  HCE_FORMAT,
  type HceSplit,
  type HceManifest,
  type OpenFolder,
  type PrepareOptions,
} from './prepare.js';
export {
  pickAt,
  pickScores,
  picksAtCheckpoints,
  PICK_EVENTS,
  type CheckpointPick,
  type PickRule,
  type PickScores,
} from './pick.js';
export { hceCacheDir, hceSplitSeed } from './cache.js';
export {
  assignUnits,
  apportion,
  PARTS,
  type Part,
  type Fractions,
  type AssignInput,
} from './split/assign.js';
export { splitLabelled, dayOf, type LabelledSplit, type HiddenPart } from './split/labelled.js';
export type { Splitter, SplitterContext, SplitterResult } from './split/types.js';
export { RECIPES } from './recipes/index.js';
export { hceInstructions, PREDICTION_FILES } from './description.js';
export { gradeFiles, predictionFile, rankTest, type SplitGrade, type TestGrade } from './grade.js';
export { isProtecting, journalUnprotected, UNPROTECTED_WARNING } from './protection.js';
export {
  detailsOf,
  HceDetails,
  SplitGrade as SplitGradeSchema,
  TestGrade as TestGradeSchema,
  type ReadDetails,
} from './details.js';
export { csvRecords, readCsvRecords, csvHeader, type CsvRecord } from './csv/read.js';
export { splitRng, type SplitRng } from './rng.js';
