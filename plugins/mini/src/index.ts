export {
  competitionDir,
  isMiniId,
  MINI_IDS,
  MINI_SUITE,
  MINI_LEADERBOARD_LABEL,
  MINI_PLUGIN_DIR,
  miniDataDir,
  miniPython,
  type MiniId,
} from './paths.js';
export {
  hashPrepared,
  MARKER,
  prepareMini,
  preparedDir,
  readMarker,
  recipeHash,
  staleReason,
  verifyPrepared,
  type Marker,
  type PrepareOptions,
  type PrepareResult,
} from './prepare.js';
export { FORTUNE_CATEGORIES, gradeMini, MINI_GRADERS, type MiniGrader } from './graders.js';
export { miniPluginCode } from './code.js';
export { miniBaseline, readBaseline, type MiniBaseline } from './baseline.js';
