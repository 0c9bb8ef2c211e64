import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@aira/core';
import { tempDir } from '@aira/testing';
import { presetLayer, resolveRunConfig, type GivenSettings } from './resolve.js';

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

const quick = presetLayer('preset quick', {
  'budget.wallClock': '100s',
  'budget.perExec': '60s',
  'search.policy': 'greedy',
  'search.temperature': '0.5',
});

describe('presets: a layer between the file and the defaults', () => {
  it('gives each value the provenance of the layer it came from: flag > env > file > preset > default', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'run.yaml');
    writeFileSync(file, 'agent:\n  script: s.py\nsearch:\n  temperature: 0.3\n');
    const { config, provenance } = resolveRunConfig({
      file,
      env: { AIRA_POLICY: 'best-of-k' },
      flags: { budget: '5m' },
      presets: () => [quick],
    });
    expect(config.budget.wallClock).toBe(300_000);
    expect(provenance.get('budget.wallClock')).toBe('flag --budget');
    expect(config.search.policy).toBe('best-of-k');
    expect(provenance.get('search.policy')).toBe('env AIRA_POLICY');
    expect(config.search.temperature).toBe(0.3);
    expect(provenance.get('search.temperature')).toBe(`file ${file}:4`);
    expect(config.budget.perExec).toBe(60_000);
    expect(provenance.get('budget.perExec')).toBe('preset quick');
    expect(provenance.get('search.crossoverProbability')).toBe('default');
  });

  it('is chosen from what the layers above it set, and a later preset lies over an earlier one', () => {
    const seen: GivenSettings[] = [];
    const { config, provenance } = resolveRunConfig({
      flags: { script: 's.py', suite: 'mini' },
      env: {},
      presets: (given) => {
        seen.push(given);
        return given.get('suite') === 'mini'
          ? [quick, presetLayer('preset slow', { 'budget.wallClock': '1h' })]
          : [];
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.has('agent.script')).toBe(true);
    expect(seen[0]!.has('agent.name')).toBe(false);
    expect(config.budget.wallClock).toBe(3_600_000);
    expect(provenance.get('budget.wallClock')).toBe('preset slow');
    expect(provenance.get('budget.perExec')).toBe('preset quick');
  });

  it('names the preset and the field when a preset value is wrong', () => {
    const bad = presetLayer('preset broken', { 'budget.perExec': 'soon' });
    const resolve = () => resolveRunConfig({ flags: { script: 's.py' }, presets: () => [bad] });
    expect(resolve).toThrow(ConfigError);
    expect(resolve).toThrow(/^invalid run config: preset broken: budget\.perExec: /);
  });
});
