import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { transferMode } from './evaluator.js';
import { fixtureCompetition, tempDir } from './test-support/fixtures.js';
import { spookyScript } from './test-support/scripts.js';
import { runOn } from './test-support/study.js';

const root = tempDir('upload');

describe('sessions that get the public folder by upload', () => {
  it('see the same files as with a bind, and the candidate is graded as usual', async () => {
    const c = await fixtureCompetition('spooky-author-identification', join(root, 'data'), 300);
    // Job 2 of the spooky script is an honest one (job 1 is the scorer-bug candidate).
    const run = await runOn(c, {
      out: join(root, 'runs'),
      cacheDir: join(root, 'cache'),
      script: spookyScript(root),
      hce: 'on',
      jobs: 2,
      workers: 1,
      transfer: 'upload',
    });
    expect(run.candidates.map((x) => [x.id, x.scores.valid])).toEqual([
      ['c0001', true],
      ['c0002', true],
    ]);
    expect(run.candidates[1]!.scores.search!).toBeLessThan(run.candidates[0]!.scores.search!);
    expect(run.candidates[1]!.scores.validation).not.toBeNull();
  }, 120_000);

  it('is chosen by AIRA_HCE_TRANSFER when not given, and a wrong value is refused', () => {
    expect(transferMode(undefined, {})).toBe('path');
    expect(transferMode(undefined, { AIRA_HCE_TRANSFER: 'upload' })).toBe('upload');
    expect(transferMode('path', { AIRA_HCE_TRANSFER: 'upload' })).toBe('path');
    expect(() => transferMode(undefined, { AIRA_HCE_TRANSFER: 'scp' })).toThrow(
      /AIRA_HCE_TRANSFER: expected "path" or "upload", got "scp"/,
    );
  });
});
