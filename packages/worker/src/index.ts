/**
 * @aira/worker: the per-GPU worker daemon (see README.md).
 * - WorkerDaemon.start({ options, logger?, launcher?, files?, sandbox?, env?, nvidiaSmi? }) runs one in-process;
 *   `aira worker` is that plus flags, signals and the listening line.
 * - launchSessionProcess / Launcher / LaunchSpec: the one seam through which session processes start.
 */
export {
  WorkerDaemon,
  HEALTH_SERVICE_NAME,
  type WorkerDaemonConfig,
  type ListeningLine,
  type FileHandlers,
  type FileService,
  type FileServiceContext,
} from './daemon.js';
export {
  WorkerOptionsSchema,
  parseWorkerOptions,
  parseBytes,
  splitListen,
  ID_PATTERN,
  type WorkerOptions,
  type WorkerOptionsInput,
} from './options.js';
export { watchOwner, type OwnerWatch } from './owner.js';
export {
  launchSessionProcess,
  type Launcher,
  type LaunchSpec,
  type Launched,
  type SessionPaths,
} from './session/launch.js';
export {
  parseNvidiaSmi,
  selectGpus,
  queryNvidiaSmi,
  resolveCudaVisibleDevices,
  detectGpus,
  NVIDIA_SMI_ARGS,
} from './host/gpus.js';
export { probePython } from './host/python-env.js';
export { configureDaemonHeap } from './host/heap.js';
export { PYTHON_DRIVER } from './session/python.js';
export type { WorkerState } from './lifecycle.js';
export * from './sandbox/index.js';
export {
  BlobCache,
  uploadFolder,
  uploadFiles,
  downloadFiles,
  fetchFiles,
  listFolder,
  createFileHandlers,
  createDaemonFileHandlers,
  pathSegments,
  PathError,
  type UploadEntry,
  type UploadResult,
  type UploadOptions,
  type DownloadedFile,
  type FetchedFile,
  type FileContext,
  type FileSessionView,
} from './files/index.js';
/** ExecRequest.files: the most a file, and all of them, may carry (exec.proto). */
export { INLINE_FILE_BYTES, INLINE_TOTAL_BYTES } from './requests.js';
