import { describe, expect, it } from 'vitest';
import { ConfigError } from '@aira/core';
import { PRESETS, resolveWithPreset } from './presets.js';

describe('presets', () => {
  it('gives --suite mini the quickstart budgets, and says so in the provenance', () => {
    const r = resolveWithPreset({ flags: { suite: 'mini' }, env: {} });
    expect(r.preset).toBe('quickstart');
    expect(r.config).toMatchObject({
      hce: 'on',
      search: { policy: 'evolution' },
      budget: { wallClock: 100_000, perExec: 60_000 },
    });
    expect(r.config.agent.name).toBe('template');
    expect(r.provenance.get('budget.wallClock')).toBe('preset quickstart (default for --suite mini)');
  });

  it('lies under every other layer: flags and AIRA_* variables win', () => {
    const r = resolveWithPreset({ flags: { suite: 'mini', budget: '5m' }, env: { AIRA_HCE: 'off' } });
    expect(r.config.budget.wallClock).toBe(300_000);
    expect(r.provenance.get('budget.wallClock')).toBe('flag --budget');
    expect(r.config.hce).toBe('off');
    expect(r.config.budget.perExec).toBe(60_000);
  });

  it('applies only when asked for elsewhere, and "none" turns the suite default off', () => {
    expect(resolveWithPreset({ flags: { competition: ['x'] }, env: {} }).config.budget.wallClock).toBe(
      72 * 3_600_000,
    );
    const asked = resolveWithPreset({ flags: { competition: ['x'] }, env: {} }, 'quickstart');
    expect(asked.config.budget.wallClock).toBe(100_000);
    expect(asked.provenance.get('budget.wallClock')).toBe('preset quickstart');
    const none = resolveWithPreset({ flags: { suite: 'mini' }, env: {} }, 'none');
    expect(none.preset).toBeNull();
    expect(none.config.budget.wallClock).toBe(72 * 3_600_000);
  });

  it('refuses an unknown preset in one line naming the known ones', () => {
    expect(() => resolveWithPreset({ flags: {}, env: {} }, 'fast')).toThrow(ConfigError);
    expect(() => resolveWithPreset({ flags: {}, env: {} }, 'fast')).toThrow(
      `--preset fast: unknown preset (${Object.keys(PRESETS).join(', ')})`,
    );
  });
});
