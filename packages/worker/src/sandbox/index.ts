export {
  Guard,
  ExecGuard,
  createWorkerGuard,
  allowedCpus,
  type GuardOptions,
  type GuardFlags,
} from './guard.js';
export {
  bubblewrapArgv,
  decideSandbox,
  probeBubblewrap,
  systemBinds,
  SandboxUnavailableError,
  SANDBOX_MODES,
  type Bind,
  type BubblewrapProbe,
  type SandboxDecision,
  type SandboxMode,
  type SandboxSpec,
} from './bubblewrap.js';
export {
  LimitsEnforcer,
  SessionLimits,
  ExecLimits,
  probeLimits,
  tighten,
  limitValues,
  enterArgv,
  type ExecUsage,
  type LimitValues,
  type LimitsMechanism,
  type LimitsProbe,
} from './limits.js';
export {
  defaultShare,
  parseCpuList,
  formatCpuList,
  formatBytes,
  type Share,
  type ShareInput,
} from './share.js';
export { DiskWatch, diskUsage } from './watch.js';
export { resolvePython, DEFAULT_PYTHON, PythonSetupError, type CandidatePython } from './python.js';
export {
  apptainerArgv,
  parseContainer,
  findApptainer,
  ContainerSetupError,
  type ContainerSpec,
} from './apptainer.js';
export { gpuExposure, type GpuExposure } from './gpu.js';
export { listGpus, parseGpuInventory, parseDeviceMinor, type GpuDevice } from '../host/gpus.js';
