// The coordinator's public API: configuration, studies, the agent/evaluator/session contracts,
// and the journal reader that HCE checkpoints, ablations and the dashboard build on.

export {
  RunConfig,
  DEFAULT_OUT,
  studiesDir,
  runConfigDefaults,
  POLICIES,
  resolveSearch,
  type PolicyName,
  type ResolvedSearch,
  type RunConfigInput,
  type BudgetConfig,
} from './config/schema.js';
export {
  resolveRunConfig,
  presetLayer,
  formatResolvedConfig,
  type GivenSettings,
  type ResolveInput,
  type ResolvedConfig,
} from './config/resolve.js';
export {
  DURATION_PATHS,
  FIELDS,
  FIELD_BY_PATH,
  durationPaths,
  flagAttribute,
  flagName,
  type FieldSpec,
} from './config/fields.js';
export type { ConfigLayer } from './config/layers.js';
export { checkSections, coordinatorPart, parseRunConfig } from './config/sections.js';

export { runStudy, resumeStudy, checkStudyInputs, type StudyOptions, type StudyResult } from './run/study.js';
export type { RunResult, EndReason } from './run/run-loop.js';
export {
  defaultRegistry,
  registerAgent,
  registerEvaluator,
  evaluatorFor,
  fieldsOf,
  prepareCompetition,
  SELF_REPORTED,
  type AgentEntry,
  type EvaluatorEntry,
  type Registry,
  type RegistryEntry,
} from './run/registry.js';
export { locateStudy } from './run/study-files.js';
export {
  listStudies,
  studyStatus,
  formatStudyStatus,
  requestStop,
  type StudyStatus,
  type RunStatus,
} from './run/status.js';

export {
  JobCancelledError,
  WorkerLostError,
  type Agent,
  type AgentContext,
  type AgentFactory,
  type Evaluator,
  type EvaluatorFactory,
  type EvaluationContext,
  type ExecOptions,
  type ExecResult,
  type Job,
  type ParentView,
  type Session,
  type SessionFile,
  type LocalSessionFile,
  type Submission,
  type RunningExec,
  type RunCompetition,
  type TaskInfo,
} from './agent/types.js';
export { scriptAgent, shellQuote } from './agent/script-agent.js';
export { selfReportedEvaluator, parseScoreLine } from './evaluator/self-reported.js';

export { eventsOfType, readJournal, type JournalContents } from './journal/reader.js';
export type {
  JournalEvent,
  EventBody,
  EventOf,
  EventType,
  RunFacts,
  SplitFacts,
  WorkerInfo,
} from './journal/events.js';
export {
  replay,
  applyEvent,
  endOf,
  isResumableEnd,
  type RunState,
  type JobState,
  type AttemptState,
} from './state/run-state.js';
export { finalPick, FinalPicker, type FinalPick } from './state/final-pick.js';
export { StudySpend } from './run/spend-guard.js';
export { spendOf, addSpend, noSpend, formatSpend, type Spend } from './state/spend.js';
export { ArtifactStore } from './state/artifacts.js';
// The seeded generator, shared with agents that draw their own choices (the template agent).
export { rngFor, type Rng } from './search/rng.js';
export {
  rankCandidates,
  bestCandidate,
  gradedDirection,
  isBetter,
  type CandidateRecord,
  type Scores,
  type JobSpec,
  type Operator,
  type Direction,
  type ArtifactRef,
} from './state/types.js';

export {
  cliWorkerLauncher,
  isAlive,
  stopPid,
  stopRecordedWorkers,
  type LocalLauncher,
  type LocalWorkerSpec,
  type LocalWorkerProcess,
} from './pool/local.js';
export { registerWithCoordinator, type RegistrationOptions, type Registration } from './pool/registration.js';
// Following journals other processes append to (the dashboard), and who holds a study now.
export { JournalTail, type JournalChunk } from './journal/tail.js';
export {
  readCoordinatorDoc,
  coordinatorAlive,
  readStudyDoc,
  type StudyDoc,
  type CoordinatorDoc,
} from './run/study-files.js';

export { SlurmWorkers, recordedJobs, type SlurmJobEvent, type SlurmWorkersOptions } from './slurm/workers.js';
export {
  DEFAULT_SBATCH_TEMPLATE,
  printableSbatch,
  renderSbatch,
  sbatchLines,
  slurmWorkerId,
  slurmJobOfWorker,
  workersPerJob,
} from './slurm/script.js';
export {
  sbatch,
  scancel,
  jobStates,
  describeStates,
  oneLine,
  ENDED_STATES,
  type JobState as SlurmJobState,
  type SlurmEnv,
} from './slurm/commands.js';
export { SlurmConfig } from './config/schema.js';
export { readHostsFile } from './pool/hosts.js';
