import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slurmSkipReason, startSlurm, type SlurmCluster } from './slurm-cluster.js';

const skip = slurmSkipReason();
describe.skipIf(skip !== null)(`the test Slurm${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let slurm: SlurmCluster;
  beforeAll(async () => (slurm = await startSlurm()), 120_000);
  afterAll(async () => slurm?.stop(), 60_000);
  it('runs a batch job with two tasks and cancels it', async () => {
    const r = spawnSync('sbatch', ['--parsable', '--ntasks=2', `--output=${slurm.dir}/%j.out`, '--wrap', 'srun sleep 60'], { env: slurm.env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const id = r.stdout.trim();
    expect(slurm.jobs()).toContain(id);
    spawnSync('scancel', [id], { env: slurm.env });
    for (let i = 0; i < 100 && slurm.jobs().includes(id); i++) await new Promise((res) => setTimeout(res, 200));
    expect(slurm.jobs()).not.toContain(id);
  });
});
