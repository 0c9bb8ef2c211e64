import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slurmSkipReason, startSlurm, type SlurmCluster } from './slurm-cluster.js';

const skip = slurmSkipReason();
describe.skipIf(skip !== null)(`the test Slurm${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let slurm: SlurmCluster;
  beforeAll(async () => (slurm = await startSlurm()), 120_000);
  afterAll(async () => {
    if (slurm && existsSync(slurm.dir)) await slurm.stop();
  }, 60_000);
  it('runs a batch job with two tasks and cancels it', async () => {
    const r = spawnSync(
      'sbatch',
      ['--parsable', '--ntasks=2', `--output=${slurm.dir}/%j.out`, '--wrap', 'srun sleep 60'],
      { env: slurm.env, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    const id = r.stdout.trim();
    expect(slurm.jobs()).toContain(id);
    spawnSync('scancel', [id], { env: slurm.env });
    for (let i = 0; i < 100 && slurm.jobs().includes(id); i++)
      await new Promise((res) => setTimeout(res, 200));
    expect(slurm.jobs()).not.toContain(id);
  });
  it('cancels array jobs whole and leaves no process when stopped', async () => {
    const r = spawnSync(
      'sbatch',
      ['--parsable', '--array=0-5%2', `--output=${slurm.dir}/%A_%a.out`, '--wrap', 'sleep 60'],
      { env: slurm.env, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    for (let i = 0; i < 50 && slurm.leftovers().length === 0; i++)
      await new Promise((res) => setTimeout(res, 200));
    expect(slurm.leftovers().length).toBeGreaterThan(0);
    const dir = slurm.dir;
    await slurm.stop();
    expect(slurm.leftovers()).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
