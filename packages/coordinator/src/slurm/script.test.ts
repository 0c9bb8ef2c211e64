import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SlurmConfig } from '../config/schema.js';
import { resolveRunConfig } from '../config/resolve.js';
import { parseWorkerSpecs } from '../pool/hosts.js';
import { oneLine } from './commands.js';
import {
  printableSbatch,
  renderSbatch,
  sbatchLines,
  slurmJobOfWorker,
  slurmWorkerId,
  workersPerJob,
} from './script.js';

const dir = mkdtempSync(join(tmpdir(), 'aira-sbatch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const AIRA = ['/usr/bin/node', '/opt/aira dir/bin/aira.js'];
const runtime = {
  coordinator: 'login1:7000',
  tokenFile: '/shared/study/token',
  logDir: '/shared/study/slurm',
};

describe('the sbatch script of a worker job', () => {
  it('turns the slurm section into #SBATCH lines: one task per GPU, CPUs and memory per GPU, extra lines', () => {
    const cfg = SlurmConfig.parse({
      partition: 'gpu',
      account: 'proj',
      qos: 'high',
      time: '3-00:00:00',
      nodes: 2,
      gpusPerNode: 8,
      cpusPerGpu: 12,
      memPerGpu: '120G',
      sbatch: ['--constraint=h100', '#SBATCH --exclusive'],
    });
    expect(sbatchLines(cfg)).toEqual([
      '#SBATCH --nodes=2',
      '#SBATCH --ntasks-per-node=8',
      '#SBATCH --partition=gpu',
      '#SBATCH --account=proj',
      '#SBATCH --qos=high',
      '#SBATCH --time=3-00:00:00',
      '#SBATCH --gpus-per-node=8',
      '#SBATCH --cpus-per-task=12',
      '#SBATCH --mem-per-gpu=120G',
      '#SBATCH --constraint=h100',
      '#SBATCH --exclusive',
    ]);
    expect(workersPerJob(cfg)).toBe(16);
    const script = renderSbatch(cfg, AIRA, runtime);
    expect(script).toMatch(
      /^srun --kill-on-bad-exit=0 --gpus-per-task=1 {2}\/usr\/bin\/node '\/opt\/aira dir\/bin\/aira\.js' worker --slurm-id \\$/m,
    );
    expect(script).toContain('--coordinator login1:7000');
    expect(script).toContain('#SBATCH --output=/shared/study/slurm/%x-%j.out');
    expect(script).not.toMatch(/\{\{[a-z_]+\}\}/);
  });

  it("gives CPU-only nodes one slot each, memory spread over the slot's CPUs, and a --gres instead of GPUs per node", () => {
    const cpu = SlurmConfig.parse({ cpusPerGpu: 4, memPerGpu: '8G' });
    expect(sbatchLines(cpu)).toEqual([
      '#SBATCH --nodes=1',
      '#SBATCH --ntasks-per-node=1',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --mem-per-cpu=2048M',
    ]);
    expect(sbatchLines(SlurmConfig.parse({ gres: 'gpu:a100:4', slotsPerNode: 4 }))).toEqual([
      '#SBATCH --nodes=1',
      '#SBATCH --ntasks-per-node=4',
      '#SBATCH --gres=gpu:a100:4',
    ]);
  });

  it('prints the template with config filled in and runtime fields left, which renders again when given back', () => {
    const cfg = SlurmConfig.parse({ partition: 'cpu', container: 'apptainer exec img.sif' });
    const printed = printableSbatch(cfg, AIRA);
    expect(printed).toContain('--coordinator {{coordinator}}');
    expect(printed).toContain('#SBATCH --partition=cpu');
    const file = join(dir, 'mine.sbatch');
    writeFileSync(
      file,
      printed.replace('#SBATCH --partition=cpu', '#SBATCH --partition=cpu\n#SBATCH --mail-type=END'),
    );
    const again = renderSbatch(SlurmConfig.parse({ template: file }), AIRA, runtime);
    expect(again).toContain('#SBATCH --mail-type=END');
    expect(again).toContain('apptainer exec img.sif /usr/bin/node');
    expect(again).not.toMatch(/\{\{[a-z_]+\}\}/);
  });

  it('names the template line of a field nobody fills, and refuses a script without #!', () => {
    const file = join(dir, 'typo.sbatch');
    writeFileSync(file, '#!/bin/bash\n#SBATCH --job-name={{job_name}}\nsrun {{aria}} worker\n');
    expect(() => renderSbatch(SlurmConfig.parse({ template: file }), AIRA, runtime)).toThrow(
      `${file}:3: unknown field {{aria}} (known: job_name, sbatch, srun,`,
    );
    writeFileSync(file, 'srun true\n');
    expect(() => renderSbatch(SlurmConfig.parse({ template: file }), AIRA, runtime)).toThrow(
      `${file}:1: an sbatch script starts with #!`,
    );
    expect(() => sbatchLines(SlurmConfig.parse({ sbatch: ['exclusive'] }))).toThrow(
      'slurm.sbatch[0]: "exclusive" is not an sbatch option',
    );
  });

  it('checks the slurm section like any other: a bad value names the flag, the file and line', () => {
    expect(() => resolveRunConfig({ flags: { script: 'x.py', timeLimit: '3 days' } })).toThrow(
      /--time-limit: slurm\.time: a Slurm time limit/,
    );
    const cfg = join(dir, 'run.yaml');
    writeFileSync(cfg, 'agent:\n  script: x.py\nslurm:\n  partition: gpu\n  gpusPerNode: -1\n');
    expect(() => resolveRunConfig({ file: cfg })).toThrow(`${cfg}:5: slurm.gpusPerNode`);
    expect(
      resolveRunConfig({ flags: { script: 'x.py', gpusPerNode: '4', partition: 'gpu' } }).config.slurm,
    ).toMatchObject({ gpusPerNode: 4, partition: 'gpu' });
  });

  it('reads slurm[:N] worker specs and names workers after their job, step, task and node', () => {
    expect(parseWorkerSpecs(['slurm', 'slurm:3'])).toEqual([
      { kind: 'slurm', jobs: 1 },
      { kind: 'slurm', jobs: 3 },
    ]);
    expect(() => parseWorkerSpecs(['slurm:0'])).toThrow(
      /not local, local:N, hosts:FILE, register:HOST:PORT, slurm or slurm:N/,
    );
    const id = slurmWorkerId({
      SLURM_JOB_ID: '4242',
      SLURM_STEP_ID: '0',
      SLURM_PROCID: '3',
      SLURMD_NODENAME: 'gpu-07',
    });
    expect(id).toBe('slurm-4242.0.3-gpu-07');
    expect(slurmJobOfWorker(id!)).toBe('4242');
    expect(slurmWorkerId({})).toBeUndefined();
    expect(slurmJobOfWorker('wrk-abc')).toBeUndefined();
  });

  it("puts Slurm's multi-line refusal on one line", () => {
    expect(
      oneLine(
        'sbatch: error: invalid partition specified: x\nsbatch: error: Batch job submission failed: Invalid partition name specified\n',
      ),
    ).toBe('invalid partition specified: x; Batch job submission failed: Invalid partition name specified');
    expect(oneLine(`sbatch: unrecognized option '--bogus'\nTry "sbatch --help" for more information\n`)).toBe(
      "unrecognized option '--bogus'",
    );
  });
});
