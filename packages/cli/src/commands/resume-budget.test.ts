import { describe, expect, it } from 'vitest';
import { ConfigError } from '@aira/core';
import { resumeBudget } from './resume-budget.js';

describe('spending limits given with --resume', () => {
  it('takes the cost flags as numbers, and names a bad one', () => {
    expect(resumeBudget({ costCap: '20', studyCostCap: '5.5', costPerHour: '1', resume: 'x' })).toEqual({
      costUsd: 20,
      studyCostUsd: 5.5,
      costPerHour: 1,
    });
    expect(resumeBudget({ resume: 'x' })).toEqual({});
    expect(() => resumeBudget({ costCap: '20usd' })).toThrow(ConfigError);
    expect(() => resumeBudget({ costCap: '20usd' })).toThrow(
      '--cost-cap: expected a number of USD ≥ 0, got "20usd"',
    );
  });
});
