import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rankCandidates } from '@aira/coordinator';
import { mlebenchRegistryDir } from '@aira/grading';
import { pickAt } from './pick.js';
import { fixtureCompetition, tempDir } from './test-support/fixtures.js';
import { spookyScript } from './test-support/scripts.js';
import { runOn } from './test-support/study.js';

const root = tempDir('scorer-bug');
// MLE-bench's registry (AIRA_MLEBENCH_DIR, else ../shared/mlebench) holds the leaderboard; a bare clone lacks it.
const registry = mlebenchRegistryDir();
const haveRegistry = registry !== null && existsSync(registry);

/**
 * The paper's log-loss 0.0 example (docs/paper.md §HCE, the scorer-bug example): a
 * candidate that prints a perfect self-reported score but predicts badly. Same script, same
 * competition, two runs on real local workers: with HCE it ranks last and is never picked; with
 * --hce off it ranks first and becomes the submission, and its test score says how bad that is.
 */
describe('a scorer bug under HCE and without it', () => {
  it('ranks the self-declared perfect candidate last with HCE and first with --hce off', async () => {
    const c = await fixtureCompetition('spooky-author-identification', join(root, 'data'), 400);
    const script = spookyScript(root);
    const cacheDir = join(root, 'cache');
    const on = await runOn(c, { out: join(root, 'runs-on'), cacheDir, script, hce: 'on', jobs: 4 });
    const off = await runOn(c, { out: join(root, 'runs-off'), cacheDir, script, hce: 'off', jobs: 4 });
    const buggy = (id: string) => Number(id.slice(1)) % 2 === 1;

    for (const run of [on, off]) {
      expect(run.candidates).toHaveLength(4);
      expect(
        run.candidates.every((x) => x.scores.valid),
        JSON.stringify(run.candidates.map((x) => x.scores.reason)),
      ).toBe(true);
    }
    expect(on.manifest.evaluator).toBe('hce');
    expect(off.manifest.evaluator).toBe('self-reported');

    // HCE: fitness is the hidden search log loss; the buggy candidates are the two worst.
    const rankedOn = rankCandidates(on.candidates, 'minimize').map((x) => x.id);
    expect(rankedOn.slice(-2).every(buggy)).toBe(true);
    const pickOn = pickAt(on.events, Infinity);
    expect(pickOn).toMatchObject({ by: 'validation', direction: 'minimize' });
    expect(buggy(pickOn.candidateId!)).toBe(false);

    // No HCE: the printed 0.0 wins the search and the final pick.
    const rankedOff = rankCandidates(off.candidates, 'minimize').map((x) => x.id);
    expect(rankedOff.slice(0, 2).every(buggy)).toBe(true);
    const pickOff = pickAt(off.events, Infinity);
    expect(pickOff).toMatchObject({ by: 'search', search: 0, validation: null });
    expect(buggy(pickOff.candidateId!)).toBe(true);

    // Test is graded in both runs for the report: the no-HCE pick is far worse on it.
    expect(pickOn.test).not.toBeNull();
    expect(pickOff.test).not.toBeNull();
    expect(pickOff.test!).toBeGreaterThan(pickOn.test! * 5);
    if (haveRegistry) expect(pickOn.percentileRank).toBeGreaterThan(pickOff.percentileRank);
    else
      console.warn(
        `hce scorer bug: no MLE-bench registry at ${registry ?? '../shared/mlebench'} (set AIRA_MLEBENCH_DIR); percentile ranks on the leaderboard are not checked`,
      );
    // The agent saw only the search score: it is the candidate's fitness under HCE.
    for (const x of on.candidates)
      expect(x.scores.search).toBe((x.scores.details!.search as { score: number }).score);
  }, 240_000);
});
