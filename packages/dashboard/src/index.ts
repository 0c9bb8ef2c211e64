// @aira/dashboard: the web view of studies (`aira serve`). Reads study folders — journals (tailed
// incrementally), manifests, artifacts and stored exec logs — and never writes to them.

export {
  startDashboard,
  isLoopback,
  DEFAULT_ASSETS,
  type Dashboard,
  type DashboardOptions,
} from './server.js';
export { Library, StudyWatch, RunWatch, NotFound } from './watch.js';
export { studiesView, studyView, workersView, populationView } from './study-views.js';
export { jobsView, jobView, candidateView } from './job-views.js';
export { ablationView } from './ablation-view.js';
export { within, OutsideRootError } from './paths.js';
export {
  createSyntheticStudy,
  populate,
  SyntheticRun,
  type SyntheticJob,
  type SyntheticStudyOptions,
} from './synthetic.js';
export { TelemetryHub, type Utilisation } from './telemetry.js';
