// @aira/report: the study report. Data first: buildStudyReport() reads a study folder's journals
// into one JSON model (report.json); renderers turn that model into Markdown, HTML and SVG plots.

export {
  REPORT_FORMAT,
  type Baseline,
  type Direction,
  type LeaderboardRef,
  type LineageNode,
  type Medal,
  type PickReport,
  type Protection,
  type RunReport,
  type ScoreSeries,
  type SeriesPoint,
  type StudyReport,
} from './types.js';
export {
  buildStudyReport,
  buildRunReport,
  type RunInput,
  beats,
  directionOf,
  leaderboardLabel,
  protectionOf,
  type ReportOptions,
} from './model.js';
export { scoreSeries } from './series.js';
export { lineageOf, lineageTree } from './lineage.js';
export { SERIES, renderSvg, scorePlotSpec, scorePlotSvg } from './plot.js';
export { renderMarkdown } from './markdown.js';
export { renderHtml, escapeHtml } from './html.js';
export { fmtScore, protectionText } from './text.js';
export { writeStudyReport, type WrittenReport } from './write.js';
export {
  isMlebenchStudy,
  studyGradingReport,
  writeMlebenchReport,
  MLEBENCH_REPORT,
  MLEBENCH_SUBMISSIONS,
} from './mlebench.js';
export { inspectPlotSvg, type PlotInspection } from './inspect.js';
