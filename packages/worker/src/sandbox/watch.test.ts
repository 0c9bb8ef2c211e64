import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskWatch, diskUsage } from './watch.js';

const tmp = mkdtempSync(join(tmpdir(), 'aira-watch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('disk limit', () => {
  it('counts allocated blocks as du does, hard links once', async () => {
    const d = join(tmp, 'du');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'sub', 'a'), Buffer.alloc(3 << 20, 1));
    linkSync(join(d, 'sub', 'a'), join(d, 'b'));
    const used = await diskUsage(d);
    expect(used).toBeGreaterThanOrEqual(3 << 20);
    expect(used).toBeLessThan(4 << 20);
  });

  it('the disk watch reports a folder growing past its limit', async () => {
    const d = join(tmp, 'grow');
    mkdirSync(d);
    const reasons: string[] = [];
    const w = new DiskWatch([d], 2 << 20, (r) => reasons.push(r), 20).start();
    await new Promise((r) => setTimeout(r, 100));
    expect(reasons).toEqual([]);
    writeFileSync(join(d, 'big'), Buffer.alloc(3 << 20, 1));
    for (let i = 0; i < 100 && reasons.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    w.stop();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^disk use 3(\.0)? MiB of the work folder exceeds the limit 2 MiB$/);
  });
});
