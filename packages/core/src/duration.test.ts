import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads units and compounds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('72h')).toBe(72 * 3_600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration(1500)).toBe(1500); // the resolved form: milliseconds
  });
  it('refuses a written number without a unit, saying which units there are', () => {
    expect(() => parseDuration('5')).toThrow('"5" has no unit: write 5s, 5m, 5h or 5ms');
    expect(() => parseDuration(' 60 ')).toThrow(/"60" has no unit/);
  });
  it('refuses what is not a duration, naming it', () => {
    expect(() => parseDuration('ten minutes')).toThrow(/not a duration: "ten minutes"/);
    expect(() => parseDuration('10x')).toThrow(/10x/);
  });
  it('formats', () => {
    expect(formatDuration(1234)).toBe('1.23s');
    expect(formatDuration(3_600_000 * 2 + 60_000 * 5)).toBe('2h5m');
  });
});
