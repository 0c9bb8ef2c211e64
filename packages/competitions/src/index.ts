export * from './manifest.js';
export type * from './plugin-api.js';
export {
  loadRegistry,
  pluginsFromEnv,
  PluginSpecs,
  Registry,
  type CompetitionFactory,
  type LoadRegistryOptions,
  type ResolvedSuite,
} from './registry.js';
export {
  loadPlugin,
  loadCompetitionDir,
  readManifest,
  resolvePluginSpec,
  type LoadedCompetition,
  type LoadedPlugin,
  type PluginInfo,
} from './load.js';
export { createCompetition, type CreateOptions } from './create.js';
export { SuiteSchema, expandSuite, readSuiteFile, type SuiteDef } from './suites.js';
export { formatProblem, shownPath, type PluginProblem } from './problems.js';
export {
  checkData,
  prepareCommand,
  type DataCheckOptions,
  type DataState,
  type DataStatus,
  type FileProblem,
} from './data-check.js';
export { defaultRegistryDir, leaderboardPath, readChecksums, type Checksums } from './mlebench-registry.js';
export { MLEBENCH_DEFAULT_DATA, resolveDataDir } from './paths.js';
export { globToRegExp, leaksFor } from './leaks.js';
export type { LeaderboardThresholds, ScoreRank } from './rank.js';
export { parseCsv, readCsv, type CsvTable } from './csv.js';
export { scaffoldFiles, writeScaffold } from './scaffold.js';
