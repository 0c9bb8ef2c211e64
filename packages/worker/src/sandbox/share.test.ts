import { describe, expect, it } from 'vitest';
import { defaultShare, formatBytes, formatCpuList, parseCpuList } from './share.js';

const GiB = 1024 ** 3;

describe('defaultShare', () => {
  it("splits an 8-GPU node's CPUs into contiguous blocks and its memory evenly", () => {
    const shares = Array.from({ length: 8 }, (_, i) =>
      defaultShare({ gpus: 8, cpus: 96, memory: 1024 * GiB, workerIndex: i }),
    );
    expect(shares.map((s) => s.cpuset)).toEqual([
      '0-11',
      '12-23',
      '24-35',
      '36-47',
      '48-59',
      '60-71',
      '72-83',
      '84-95',
    ]);
    expect(new Set(shares.map((s) => s.memoryBytes)).size).toBe(1);
    expect(shares[0]!.memoryBytes * 8).toBeLessThanOrEqual(1024 * GiB);
    expect(shares[0]!.memoryBytes).toBeGreaterThan(115 * GiB);
  });

  it('gives leftovers to the first workers and never overlaps', () => {
    const shares = Array.from({ length: 3 }, (_, i) =>
      defaultShare({ gpus: 3, cpus: [0, 1, 2, 3, 4, 5, 6, 10], memory: 30 * GiB, workerIndex: i }),
    );
    expect(shares.map((s) => s.cpuset)).toEqual(['0-2', '3-5', '6,10']);
    const all = shares.flatMap((s) => parseCpuList(s.cpuset));
    expect(new Set(all).size).toBe(all.length);
  });

  it('gives one worker the whole node, and shares CPUs round-robin when there are fewer CPUs than GPUs', () => {
    expect(defaultShare({ gpus: 0, cpus: 4, memory: 8 * GiB, workerIndex: 0 }).cpuset).toBe('0-3');
    expect(defaultShare({ gpus: 4, cpus: 2, memory: 8 * GiB, workerIndex: 3 })).toMatchObject({
      cpuset: '1',
      cpus: 1,
    });
  });

  it('refuses a worker index outside the node', () => {
    expect(() => defaultShare({ gpus: 2, cpus: 4, memory: GiB, workerIndex: 2 })).toThrow(
      /worker index 2 is outside 0..1/,
    );
  });
});

describe('CPU lists and sizes', () => {
  it('parses and formats Linux CPU lists', () => {
    expect(parseCpuList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(formatCpuList([11, 0, 1, 2, 3, 8, 10])).toBe('0-3,8,10-11');
    expect(() => parseCpuList('3-1')).toThrow(/runs backwards/);
    expect(() => parseCpuList('a')).toThrow(/"a" is not N or N-M/);
  });
  it('names sizes as reasons do', () => {
    expect(formatBytes(512 * 1024 ** 2)).toBe('512 MiB');
    expect(formatBytes(1.5 * GiB)).toBe('1.5 GiB');
  });
});
