// The live view of `aira run`: per worker what it runs and for how long, per competition jobs
// done, best search score and time left; plain lines when not on a terminal; --json; --quiet.
export { createProgress, progressMode, type Progress, type ProgressMode } from './progress.js';
export { LiveState, type RunView, type WorkerView } from './state.js';
export { renderScreen } from './screen.js';
export { eventLine } from './lines.js';
