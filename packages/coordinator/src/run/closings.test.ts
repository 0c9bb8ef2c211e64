import { describe, expect, it } from 'vitest';
import { silentLogger } from '@aira/core';
import { Closings } from './closings.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('closings held for the next exec', () => {
  it("sends a worker's held closes when it runs its next exec, and only that worker's", async () => {
    const closings = new Closings(silentLogger(), 60_000);
    const closed: string[] = [];
    const close = (id: string) => async () => void closed.push(id);
    closings.hold('w1', close('s1'), {});
    closings.hold('w1', close('s2'), {});
    closings.hold('w2', close('s3'), {});
    await tick(5);
    expect(closed).toEqual([]);
    closings.release('w1');
    await tick(0);
    expect(closed).toEqual(['s1', 's2']);
    await closings.settle(1_000); // the run's end sends the rest
    expect(closed).toEqual(['s1', 's2', 's3']);
  });

  it('sends them after the hold time when no exec comes, and a failed close is logged, not thrown', async () => {
    const warnings: unknown[] = [];
    const logger = { ...silentLogger(), warn: (...args: unknown[]) => void warnings.push(args) };
    const closings = new Closings(logger as never, 20);
    let sent = false;
    closings.hold(
      'w1',
      async () => {
        sent = true;
        throw new Error('worker gone');
      },
      { session: 's1' },
    );
    await tick(60);
    expect(sent).toBe(true);
    await closings.settle(1_000);
    expect(warnings).toHaveLength(1);
  });
});
