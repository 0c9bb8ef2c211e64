import type { Bind } from './bubblewrap.js';
import { which } from './bubblewrap.js';

/** `--container apptainer:IMAGE`: candidate code runs in an Apptainer image (a .sif file, or a docker:// reference). */
export interface ContainerSpec {
  runtime: 'apptainer';
  image: string;
}

export class ContainerSetupError extends Error {
  override name = 'ContainerSetupError';
}

/** Parses the flag's value; only Apptainer is supported (Singularity installs answer to `apptainer` too). */
export function parseContainer(value: string): ContainerSpec {
  const m = /^(apptainer|singularity):(.+)$/.exec(value.trim());
  if (!m)
    throw new ContainerSetupError(
      `--container ${value}: expected apptainer:IMAGE (e.g. apptainer:/images/superimage.sif)`,
    );
  return { runtime: 'apptainer', image: m[2]! };
}

/** Finds the apptainer (or singularity) binary; without one the flag is refused at start. */
export function findApptainer(pathEnv?: string): string | null {
  return which('apptainer', pathEnv) ?? which('singularity', pathEnv);
}

export interface ApptainerRun {
  apptainer: string;
  image: string;
  /** Session folders and anything else to expose; `dev` binds are ignored (`--nv` brings the GPU). */
  binds: Bind[];
  gpu: boolean;
  cwd: string;
  env: Record<string, string>;
}

/**
 * argv running `command` in the image with Apptainer's own isolation, instead of bubblewrap:
 * `--containall` (own PID and IPC namespaces, a clean /tmp and no home), `--cleanenv` (only the
 * variables given), `--net --network none` (no network; needs root or a --fakeroot setup, as
 * AIRA-dojo's superimage uses: docs/paper.md §Workers), `--nv` for the driver and GPU nodes.
 * Not exercised by the test suite here: this machine has no apptainer.
 */
export function apptainerArgv(run: ApptainerRun, command: string[]): string[] {
  const args = [
    run.apptainer,
    'exec',
    '--containall',
    '--cleanenv',
    '--no-home',
    '--net',
    '--network',
    'none',
    '--writable-tmpfs',
  ];
  if (run.gpu) args.push('--nv');
  for (const b of run.binds) {
    if (b.mode === 'dev') continue;
    args.push('--bind', `${b.src}:${b.dest ?? b.src}:${b.mode === 'ro' ? 'ro' : 'rw'}`);
  }
  for (const [k, v] of Object.entries(run.env)) args.push('--env', `${k}=${v}`);
  args.push('--pwd', run.cwd, run.image, ...command);
  return args;
}
