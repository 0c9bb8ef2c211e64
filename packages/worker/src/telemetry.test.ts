import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchUtilizationResponse } from '@aira/protocol';
import { openSession, run, startTestWorker, type TestWorker, unary } from './test-support/worker.js';
import { probeBubblewrap } from './sandbox/bubblewrap.js';

let w: TestWorker;
beforeAll(async () => {
  // CUDA_VISIBLE_DEVICES as a launcher (Slurm) would set it; this machine has no GPU.
  w = await startTestWorker({
    args: ['--label', 'SLURM_JOB_ID=77', '--gpu', '5'],
    env: { ...process.env, CUDA_VISIBLE_DEVICES: '2' },
  });
});
afterAll(async () => {
  await w?.stop();
});

describe('Describe and WatchUtilization', () => {
  it('reports identity, host, the candidate Python and the launcher GPU setting', async () => {
    const d = await unary(w.connection, 'describe', {});
    expect(d).toMatchObject({
      workerId: w.workerId,
      state: 'SERVING',
      cudaVisibleDevices: '2',
      labels: { SLURM_JOB_ID: '77' },
    });
    expect(d.cpus).toBeGreaterThan(0);
    expect(d.memoryTotalBytes).toBeGreaterThan(0);
    expect(d.python!.executable).toBe('/usr/bin/python3');
    expect(d.python!.packages.numpy).toMatch(/^\d+\./);
    // The sandbox is on by default wherever bubblewrap works (sandbox/contain.test.ts tests it).
    expect(d.sandbox!.mechanism).toBe(probeBubblewrap().usable ? 'bubblewrap' : 'none');
    // Sessions see the launcher's value, never renumbered (and --gpu does not override it).
    const s = await openSession(w.connection);
    expect((await run(w.connection, s, 'echo $CUDA_VISIBLE_DEVICES')).stdout).toBe('2\n');
  });

  it('streams utilisation samples at the asked interval until the client stops', async () => {
    const samples: WatchUtilizationResponse[] = [];
    const st = w.connection.stream('watchUtilization', { intervalMs: 100 });
    await new Promise<void>((resolve) => {
      st.on('data', (r: WatchUtilizationResponse) => {
        samples.push(r);
        if (samples.length === 3) resolve();
      });
    });
    st.cancel();
    st.on('error', () => {});
    for (const s of samples) {
      expect(s.memoryTotalBytes).toBeGreaterThan(s.memoryUsedBytes);
      expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(s.cpuPercent).toBeLessThanOrEqual(100);
    }
    expect(samples[2]!.unixMs).toBeGreaterThan(samples[0]!.unixMs);
  });
});

describe('GPUs through nvidia-smi', () => {
  it('lists only the GPUs in CUDA_VISIBLE_DEVICES, under their launcher index', async () => {
    // A stand-in nvidia-smi printing a captured 3-GPU answer (this machine has none).
    const dir = mkdtempSync(join(tmpdir(), 'aira-smi-'));
    const smi = join(dir, 'nvidia-smi');
    writeFileSync(
      smi,
      `#!/bin/sh\ncat <<'X'\n0, GPU-aaaa, NVIDIA H100 80GB HBM3, 81559, 1, 0, 29, 69.71\n1, GPU-bbbb, NVIDIA H100 80GB HBM3, 81559, 500, 12, 40, 120.5\n2, GPU-cccc, NVIDIA H100 80GB HBM3, 81559, 74213, 98, 61, [N/A]\nX\n`,
    );
    chmodSync(smi, 0o755);
    const g = await startTestWorker({
      args: ['--gpu', '1'],
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, CUDA_VISIBLE_DEVICES: undefined },
    });
    try {
      const d = await unary(g.connection, 'describe', {});
      expect(d.cudaVisibleDevices).toBe('1');
      expect(d.gpus.map((x) => [x.index, x.uuid, x.utilizationPercent])).toEqual([['1', 'GPU-bbbb', 12]]);
    } finally {
      await g.stop();
    }
  });
});
