// @aira/ablation: ablation studies from a config matrix (variants × competitions × seeds), run
// through a launcher, evaluated at checkpoints from each cell's journal, and reported in the
// paper's Table 1 / Table 2 / Fig. 3 formats beside the paper's own numbers.

export {
  loadMatrix,
  parseMatrix,
  deepMerge,
  type Matrix,
  type Variant,
  type LoadOptions,
} from './matrix/load.js';
export { MatrixFile, PAPER_ROWS, type PaperRow } from './matrix/schema.js';
export { parseCheckpoint, type Checkpoint } from './matrix/checkpoints.js';
export { expandMatrix, cellId, localWorkersOf, type Cell } from './matrix/expand.js';

export {
  runAblation,
  type AblationOptions,
  type AblationResult,
  type CellOutcome,
  type CellProgress,
} from './launch/runner.js';
export { localPool, stopStudyWorkers, type LocalPoolOptions } from './launch/local.js';
export type { Launcher, Lease, CellWorkers } from './launch/types.js';
export {
  runCellsOnSlurm,
  cellsToRun,
  arrayScript,
  cellAllocation,
  type SlurmArrayOptions,
  type SlurmArrayResult,
} from './launch/slurm.js';

export {
  ABLATION_FORMAT,
  ablationPaths,
  isAblationStudy,
  locateAblation,
  readAblationDoc,
  cellState,
  type AblationDoc,
  type CellDoc,
  type CellState,
  type Launch,
} from './study/files.js';

export { meanSe, rate, type MeanSe } from './aggregate/stats.js';
export {
  table1Entry,
  table2Entry,
  gap,
  type Observation,
  type Table1Entry,
  type Table2Entry,
  type Gap,
  type MedalRates,
  type MedalRatesBySeed,
} from './aggregate/tables.js';
export { readCell, type CellResult, type CellPick, type PickStep, type Medal } from './aggregate/cells.js';

export { PAPER_TABLE1, PAPER_TABLE2, PAPER_TABLE1_HOURS, PAPER_TABLE2_HOURS, paperTable2 } from './paper.js';

export { buildAblationReport, aggregateReport } from './report/model.js';
export {
  ABLATION_REPORT_FORMAT,
  type AblationReport,
  type Table1Row,
  type Table2Row,
  type GapRow,
  type Curve,
  type TestCurve,
} from './report/types.js';
export { prOverTimeSpec, fig3Spec, testOverTimeSpec, renderPlots } from './report/plots.js';
export {
  exportMlebench,
  checkpointFolder,
  type CompetitionReport,
  type GradingReport,
} from './report/mlebench.js';
export { reportBlocks } from './report/document.js';
export { renderBlocksMarkdown } from './report/markdown.js';
export { renderBlocksHtml } from './report/html.js';
export { writeAblationReport, type WrittenAblationReport } from './report/write.js';
