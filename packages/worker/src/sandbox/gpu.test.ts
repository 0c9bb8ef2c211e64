import { describe, expect, it } from 'vitest';
import {
  normaliseBusId,
  parseDeviceMinor,
  parseGpuInventory,
  selectGpus,
  type GpuDevice,
} from '../host/gpus.js';
import { gpuExposure } from './gpu.js';

// `nvidia-smi --query-gpu=index,uuid,pci.bus_id --format=csv,noheader` in the shape it prints (UUIDs made up).
const CSV = `0, GPU-1c8a0f7e-2b1d-4f59-8d7e-0a1b2c3d4e5f, 00000000:18:00.0
1, GPU-9e2f6a41-77c3-4e0b-9a12-5b6c7d8e9f00, 00000000:2A:00.0
2, GPU-33d0b8c2-1f4e-4a6d-b0c9-8e7f6a5b4c3d, 00000000:3A:00.0
`;
// /proc/driver/nvidia/gpus/0000:2a:00.0/information in the shape the driver writes it.
const INFO = `Model: \t\t NVIDIA H100 80GB HBM3
IRQ:   \t\t 498
GPU UUID: \t GPU-9e2f6a41-77c3-4e0b-9a12-5b6c7d8e9f00
Video BIOS: \t 96.00.74.00.0d
Bus Type: \t PCIe
DMA Size: \t 52 bits
DMA Mask: \t 0xfffffffffffff
Bus Location: \t 0000:2a:00.0
Device Minor: \t 1
GPU Excluded:\t No
`;

describe('GPU inventory for the sandbox', () => {
  const gpus: GpuDevice[] = parseGpuInventory(CSV).map((g, i) => ({ ...g, minor: i }));

  it('parses nvidia-smi rows and procfs minors, with bus ids in one form', () => {
    expect(gpus[1]).toEqual({
      index: '1',
      uuid: 'GPU-9e2f6a41-77c3-4e0b-9a12-5b6c7d8e9f00',
      busId: '0000:2a:00.0',
      minor: 1,
    });
    expect(parseDeviceMinor(INFO)).toBe(1);
    expect(normaliseBusId('0000:2a:00.0')).toBe(normaliseBusId('00000000:2A:00.0'));
  });

  it('selects by index or UUID as launchers write CUDA_VISIBLE_DEVICES; unset means all, empty none', () => {
    expect(selectGpus(gpus, '1').map((g) => g.index)).toEqual(['1']);
    expect(selectGpus(gpus, 'GPU-33d0b8c2-1f4e-4a6d-b0c9-8e7f6a5b4c3d,0').map((g) => g.index)).toEqual([
      '2',
      '0',
    ]);
    expect(selectGpus(gpus, undefined)).toHaveLength(3);
    expect(selectGpus(gpus, '')).toHaveLength(0);
  });

  it("binds only the worker's own device node and names its GPU by UUID inside", () => {
    const e = gpuExposure(selectGpus(gpus, '1'), []);
    const nodes = e.binds.filter((b) => /^\/dev\/nvidia\d+$/.test(b.src)).map((b) => b.src);
    expect(nodes).toEqual(['/dev/nvidia1']);
    expect(e.binds.some((b) => b.src === '/dev/nvidiactl' && b.mode === 'dev')).toBe(true);
    expect(e.env.CUDA_VISIBLE_DEVICES).toBe('GPU-9e2f6a41-77c3-4e0b-9a12-5b6c7d8e9f00');
    expect(e.env.AIRA_GPU_INDEX).toBe('1');
    expect(gpuExposure([], [])).toEqual({ binds: [], procMasks: [], env: {} });
  });
});
