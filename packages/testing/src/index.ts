/**
 * @aira/testing: test support shared by every package's tests (a devDependency only; no runtime
 * package imports it). See README.md.
 */
export { airaBin, assertBuilt, repoPlugins, repoRoot } from './aira-bin.js';
export { tempDir, fileTempDir } from './temp.js';
export { manifestFor, ACCURACY_PY } from './competition.js';
export { writeChecksumRegistry, md5, type PreparedFiles } from './mlebench-data.js';
export { spawnWorkerProcess, type SpawnWorkerOptions, type SpawnedWorker } from './spawn-worker.js';
export { scoreScript } from './script-agent.js';
