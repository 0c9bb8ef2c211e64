import { describe, expect, it } from 'vitest';
import { detectGpus, parseNvidiaSmi, resolveCudaVisibleDevices, selectGpus } from './gpus.js';

// Outputs of `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu,
// temperature.gpu,power.draw --format=csv,noheader,nounits` in the shapes nvidia-smi prints them.
const H100_NODE = `0, GPU-4f6e2c1a-9b7d-3e5f-8a2c-1d0e9f8b7a6c, NVIDIA H100 80GB HBM3, 81559, 1, 0, 29, 69.71
1, GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d, NVIDIA H100 80GB HBM3, 81559, 74213, 98, 61, 654.20
2, GPU-9f8e7d6c-5b4a-3f2e-1d0c-ba9876543210, NVIDIA H100 80GB HBM3, 81559, 1, 0, 27, 68.93
`;
// MIG mode hides utilisation; some boards cannot read power.
const A100_MIG = `0, GPU-5d1c2b3a-aaaa-bbbb-cccc-0123456789ab, NVIDIA A100-SXM4-40GB, 40960, 37, [N/A], 33, 56.12
1, GPU-6e2d3c4b-aaaa-bbbb-cccc-0123456789ab, NVIDIA A100-SXM4-40GB, 40960, 0, [N/A], 31, [N/A]
`;
const CONSUMER = `0, GPU-11111111-2222-3333-4444-555555555555, NVIDIA GeForce GTX 1080 Ti, 11264, 512, 3, 45, [Not Supported]\r
`;
const NO_DRIVER = `NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.
`;

describe('parseNvidiaSmi', () => {
  it('reads every field of a healthy node, memory in bytes', () => {
    const { gpus, errors } = parseNvidiaSmi(H100_NODE);
    expect(errors).toEqual([]);
    expect(gpus).toHaveLength(3);
    expect(gpus[1]).toEqual({
      index: '1',
      uuid: 'GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
      name: 'NVIDIA H100 80GB HBM3',
      memoryTotalBytes: 81559 * 1024 * 1024,
      memoryUsedBytes: 74213 * 1024 * 1024,
      utilizationPercent: 98,
      temperatureCelsius: 61,
      powerWatts: 654.2,
    });
  });

  it('reads [N/A] and [Not Supported] fields as 0 and keeps the rest', () => {
    const mig = parseNvidiaSmi(A100_MIG).gpus;
    expect(mig.map((g) => [g.index, g.utilizationPercent, g.powerWatts, g.memoryUsedBytes])).toEqual([
      ['0', 0, 56.12, 37 * 1024 * 1024],
      ['1', 0, 0, 0],
    ]);
    const [gtx] = parseNvidiaSmi(CONSUMER).gpus;
    expect(gtx).toMatchObject({
      name: 'NVIDIA GeForce GTX 1080 Ti',
      utilizationPercent: 3,
      temperatureCelsius: 45,
      powerWatts: 0,
    });
  });

  it('keeps a name that holds a comma whole', () => {
    const [g] = parseNvidiaSmi('3, GPU-abc, Weird, Board Name, 1024, 10, 5, 40, 100.5\n').gpus;
    expect(g).toMatchObject({
      index: '3',
      uuid: 'GPU-abc',
      name: 'Weird, Board Name',
      memoryTotalBytes: 1024 * 1024 * 1024,
      powerWatts: 100.5,
    });
  });

  it('reports lines that are not GPU rows instead of inventing GPUs', () => {
    const { gpus, errors } = parseNvidiaSmi(NO_DRIVER);
    expect(gpus).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(parseNvidiaSmi('').gpus).toEqual([]);
  });
});

describe('selectGpus', () => {
  const all = parseNvidiaSmi(H100_NODE).gpus;
  it('keeps the launcher numbering: CUDA_VISIBLE_DEVICES=2 is GPU "2", not "0"', () => {
    expect(selectGpus(all, '2').map((g) => g.index)).toEqual(['2']);
    expect(selectGpus(all, '2,0').map((g) => g.index)).toEqual(['2', '0']);
  });
  it('matches UUIDs (full or the prefix CUDA accepts)', () => {
    expect(selectGpus(all, 'GPU-9f8e7d6c').map((g) => g.index)).toEqual(['2']);
    expect(selectGpus(all, 'GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d').map((g) => g.index)).toEqual(['1']);
  });
  it('unset means every GPU; empty means none', () => {
    expect(selectGpus(all, undefined)).toHaveLength(3);
    expect(selectGpus(all, '')).toEqual([]);
  });
});

describe('resolveCudaVisibleDevices', () => {
  it('takes a launcher value over --gpu and says so', () => {
    const r = resolveCudaVisibleDevices({ CUDA_VISIBLE_DEVICES: '3' }, '1');
    expect(r).toMatchObject({ value: '3', source: 'launcher' });
    expect(r.conflict).toMatch(/--gpu 1 ignored/);
  });
  it('uses --gpu when no launcher set it, else leaves it unset', () => {
    expect(resolveCudaVisibleDevices({}, '1')).toEqual({ value: '1', source: 'flag' });
    expect(resolveCudaVisibleDevices({}, undefined)).toEqual({ value: undefined, source: 'none' });
  });
});

describe('detectGpus', () => {
  it('takes the GPUs a launcher set in CUDA_VISIBLE_DEVICES as they are', () => {
    expect(detectGpus({ CUDA_VISIBLE_DEVICES: '4,6' })).toEqual(['4', '6']);
    expect(detectGpus({ CUDA_VISIBLE_DEVICES: '' })).toEqual([]);
  });
});
