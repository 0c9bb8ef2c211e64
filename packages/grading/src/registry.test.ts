import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJsonl } from './answers.js';
import { competitionEntry, mlebenchRegistryDir } from './registry.js';

describe('the MLE-bench registry folder', () => {
  it('comes from AIRA_MLEBENCH_DIR when set, resolved to an absolute path', () => {
    expect(mlebenchRegistryDir({ AIRA_MLEBENCH_DIR: '/data/mle-bench' })).toBe('/data/mle-bench');
    expect(mlebenchRegistryDir({ AIRA_MLEBENCH_DIR: 'rel/dir' })).toBe(resolve('rel/dir'));
  });

  it("defaults to ../shared/mlebench beside the repository, or nothing when it isn't there", () => {
    const beside = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..', 'shared', 'mlebench');
    expect(mlebenchRegistryDir({})).toBe(existsSync(beside) ? beside : null);
  });

  it("reads a user's MLE-bench checkout (mlebench/competitions/<id>/leaderboard.csv) without competitions.json", () => {
    const dir = mkdtempSync(join(tmpdir(), 'aira-checkout-'));
    mkdirSync(join(dir, 'mlebench', 'competitions', 'spaceship-titanic'), { recursive: true });
    writeFileSync(
      join(dir, 'mlebench', 'competitions', 'spaceship-titanic', 'leaderboard.csv'),
      'score\n0.9\n0.8\n',
    );
    const e = competitionEntry('spaceship-titanic', dir);
    expect(e.leaderboardFile).toBe(
      join(dir, 'mlebench', 'competitions', 'spaceship-titanic', 'leaderboard.csv'),
    );
    expect(e.leaderboardExact).toBe(true);
    expect(() => competitionEntry('nope', dir)).toThrow(/unknown competition "nope"/);
  });
});

describe('JSONL answers', () => {
  it('keeps integer example ids beyond 2^53 exact and names a bad line', () => {
    const recs = parseJsonl(
      '{"example_id": -7853356005143141653, "annotations": []}\n\n{"example_id": 12}\n',
    );
    expect(recs.map((r) => r['example_id'])).toEqual(['-7853356005143141653', '12']);
    expect(() => parseJsonl('{"a":1}\n{oops\n', 'test.jsonl')).toThrow(
      /test\.jsonl: line 2 is not valid JSON/,
    );
  });
});
