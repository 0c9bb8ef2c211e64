import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { tempDir } from '@aira/testing';
import { LoopbackLlm, type LoopbackOptions, type Step } from './loopback.js';
import { startBench, type Bench } from './study.js';

export interface LoopbackBench {
  /** The file's bench (a real worker and the diabetes data), once its beforeAll has run. */
  bench(): Bench;
  /** A loopback model replaying `steps`; its own checks are asserted and it is closed after the test. */
  serve(steps: Step[], options?: LoopbackOptions): Promise<LoopbackLlm>;
}

/** Registers a test file's hooks: one bench for the file, each test's loopback servers checked and closed. */
export function useLoopbackBench(prefix: string): LoopbackBench {
  let bench: Bench | undefined;
  let cleanup: () => void = () => undefined;
  const servers: LoopbackLlm[] = [];
  beforeAll(async () => {
    const t = tempDir(prefix);
    cleanup = t.cleanup;
    bench = await startBench(t.dir);
  });
  afterAll(async () => {
    await bench?.stop();
    cleanup();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      expect(s.errors, 'checks inside the scripted model').toEqual([]);
      await s.close();
    }
  });
  return {
    bench: () => bench!,
    async serve(steps, options) {
      const s = await LoopbackLlm.start(steps, options);
      servers.push(s);
      return s;
    },
  };
}
