/**
 * @aira/grading: MLE-bench's graders, medal rules and Percentile Rank (docs/mlebench-grading.md §Grading a submission, §Metrics).
 */
export { gradeSubmission, gradeReport, reportFor, type GradeResult, type GradeReport } from './grade.js';
export {
  metricFor,
  GRADED_COMPETITIONS,
  type Grader,
  type Answers,
  type JsonRecord,
} from './graders/index.js';
export {
  readLeaderboard,
  registeredLeaderboard,
  rankOnLeaderboard,
  percentileRank,
  thresholds,
  medalPositions,
  isLowerBetter,
  medalOf,
  type Medal,
  type Leaderboard,
  type Thresholds,
  type RankInfo,
} from './leaderboard.js';
export {
  mlebenchRegistryDir,
  fallbackRegistryDir,
  requireRegistryDir,
  registryEntries,
  competitionEntry,
  type CompetitionEntry,
} from './registry.js';
export { pyRound } from './pyround.js';
export { levenshtein } from './metrics/text.js';
export { readCsv, parseCsv } from './csv/reader.js';
export { Table, Column, FIELD_MISSING, type Kind } from './csv/table.js';
export { CsvError } from './csv/errors.js';
export { loadAnswers, parseJsonl } from './answers.js';
export { InvalidSubmission, MetricError, AnswersError } from './errors.js';
export { pyFloatRepr } from './csv/pystr.js';
export {
  competitionReport,
  gradingReport,
  type CompetitionReport,
  type CompetitionReportInput,
  type GradingReport,
} from './mlebench-report.js';
