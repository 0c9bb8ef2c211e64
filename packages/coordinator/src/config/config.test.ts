import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@aira/testing';
import { formatResolvedConfig, resolveRunConfig } from './resolve.js';
import { resolveSearch } from './schema.js';

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());
function dir(): string {
  const t = tempDir();
  cleanup = t.cleanup;
  return t.dir;
}

describe('RunConfig resolution: flags > env > file > defaults', () => {
  it('uses the paper defaults when nothing is given', () => {
    const { config, provenance } = resolveRunConfig({ flags: { script: 's.py' } });
    expect(config.search).toMatchObject({
      policy: 'evolution',
      crossoverProbability: 0.15,
      temperature: 0.2,
      initialPopulation: 'auto',
    });
    expect(config.budget).toMatchObject({ wallClock: 72 * 3_600_000, perExec: 9 * 3_600_000 });
    expect(config.workers.spec).toEqual(['local']);
    expect(config.checkpoints).toEqual([3, 12, 24, 72].map((h) => h * 3_600_000));
    expect(provenance.get('search.temperature')).toBe('default');
    expect(provenance.get('agent.script')).toBe('flag --script');
  });

  it('takes each value from the highest layer that sets it and says where from', () => {
    const d = dir();
    const file = join(d, 'run.yaml');
    writeFileSync(
      file,
      [
        'search:',
        '  temperature: 0.5',
        '  policy: greedy',
        'budget:',
        '  wallClock: 2h',
        '  maxJobs: 10',
        'agent:',
        '  script: solve.py',
        'seeds: [1, 2]',
        '',
      ].join('\n'),
    );
    const { config, provenance } = resolveRunConfig({
      file,
      env: { AIRA_BUDGET: '30m', AIRA_POLICY: 'best-of-k', AIRA_MAX_JOBS: '7', UNRELATED: 'x' },
      flags: { budget: '90s', temperature: '0.3' },
    });
    expect(config.budget.wallClock).toBe(90_000);
    expect(provenance.get('budget.wallClock')).toBe('flag --budget');
    expect(config.search.temperature).toBe(0.3);
    expect(provenance.get('search.temperature')).toBe('flag --temperature');
    expect(config.search.policy).toBe('best-of-k');
    expect(provenance.get('search.policy')).toBe('env AIRA_POLICY');
    expect(config.budget.maxJobs).toBe(7);
    expect(config.seeds).toEqual([1, 2]);
    expect(provenance.get('seeds')).toBe(`file ${file}:9`);
    // a path in a config file is relative to the file
    expect(config.agent.script).toBe(join(d, 'solve.py'));
    expect(provenance.get('agent.script')).toBe(`file ${file}:8`);
    const printed = formatResolvedConfig({ config, provenance });
    expect(printed).toMatch(/budget\.wallClock\s+1m30s \(90000 ms\)\s+flag --budget/);
    expect(printed).toMatch(/search\.crossoverProbability\s+0\.15\s+default/);
  });

  it('reads JSON files too, and repeatable flags and --set', () => {
    const d = dir();
    const file = join(d, 'run.json');
    writeFileSync(
      file,
      JSON.stringify({ agent: { script: '/x/s.py' }, workers: { spec: ['local:3'] } }, null, 2),
    );
    const { config, provenance } = resolveRunConfig({
      file,
      flags: { competition: ['a', 'b'], label: ['variant=full', 'note=x'] },
      sets: ['search.numDrafts=3', 'workers.keepLocal=true'],
    });
    expect(config.workers.spec).toEqual(['local:3']);
    expect(provenance.get('workers.spec')).toBe(`file ${file}:6`);
    expect(config.competitions).toEqual(['a', 'b']);
    expect(config.labels).toEqual({ variant: 'full', note: 'x' });
    expect(config.search.numDrafts).toBe(3);
    expect(config.workers.keepLocal).toBe(true);
    expect(provenance.get('search.numDrafts')).toBe('flag --set search.numDrafts');
  });

  it('names the file, line and field of a bad value', () => {
    const d = dir();
    const file = join(d, 'bad.yaml');
    writeFileSync(
      file,
      ['agent:', '  script: s.py', 'search:', '  crossoverProbability: 1.5', ''].join('\n'),
    );
    expect(() => resolveRunConfig({ file })).toThrow(
      new RegExp(`invalid run config: file ${file}:4: search.crossoverProbability: .*<=1`),
    );
  });

  it('names the line of an unknown key', () => {
    const d = dir();
    const file = join(d, 'typo.yaml');
    writeFileSync(
      file,
      ['agent:', '  script: s.py', 'search:', '  policy: greedy', '  temprature: 0.3', ''].join('\n'),
    );
    expect(() => resolveRunConfig({ file })).toThrow(
      `invalid run config: file ${file}:5: search.temprature: unknown setting`,
    );
  });

  it('names the env var or flag of a bad value', () => {
    expect(() => resolveRunConfig({ env: { AIRA_MAX_JOBS: 'lots' }, flags: { script: 's' } })).toThrow(
      /env AIRA_MAX_JOBS: budget\.maxJobs: .*number/,
    );
    expect(() => resolveRunConfig({ flags: { script: 's', budget: 'ten minutes' } })).toThrow(
      /flag --budget: budget\.wallClock: not a duration: "ten minutes"/,
    );
    expect(() => resolveRunConfig({ flags: { script: 's', policy: 'annealing' } })).toThrow(
      /flag --policy: search\.policy/,
    );
    expect(() => resolveRunConfig({ sets: ['search.nope=1'], flags: { script: 's' } })).toThrow(
      /flag --set search\.nope: search\.nope: unknown setting/,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const d = dir();
    const file = join(d, 'syntax.yaml');
    writeFileSync(file, 'agent:\n  script: s.py\nsearch: [unclosed\n');
    expect(() => resolveRunConfig({ file })).toThrow(new RegExp(`config ${file}:\\d+: `));
  });

  it('requires a script for the script agent and refuses a suite with competitions', () => {
    expect(() => resolveRunConfig({})).toThrow(/agent\.script: the script agent needs a script/);
    expect(() => resolveRunConfig({ flags: { script: 's', suite: 'mini', competition: ['x'] } })).toThrow(
      /flag --suite: suite: give either a suite or competitions/,
    );
  });

  it('fills per-policy defaults', () => {
    const { config } = resolveRunConfig({ flags: { script: 's', policy: 'greedy' } });
    expect(resolveSearch(config.search, 8)).toMatchObject({
      debugProbability: 1,
      maxDebugDepth: 20,
      initialPopulation: 8,
      numDrafts: 5,
    });
    const evo = resolveRunConfig({ flags: { script: 's' } }).config;
    expect(resolveSearch(evo.search, 3)).toMatchObject({
      debugProbability: 0,
      maxDebugDepth: 3,
      initialPopulation: 3,
    });
  });
});
