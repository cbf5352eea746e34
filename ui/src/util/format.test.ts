import { describe, expect, it } from 'vitest';
import { formatDuration, formatPercent, parseDurationInput } from './format';

describe('format', () => {
  it.each([
    [0, '0µs'],
    [850, '850µs'],
    [3250, '3.25ms'],
    [30_000, '30ms'],
    [32_400, '32.4ms'],
    [320_000, '320ms'],
    [1_234_000, '1.23s'],
    [95_000_000, '95s'],
  ])('formats %i µs as %s', (us, text) => {
    expect(formatDuration(us)).toBe(text);
  });

  it('formats shares', () => {
    expect(formatPercent(0.926)).toBe('93%');
    expect(formatPercent(0.045)).toBe('4.5%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('parses durations typed by people', () => {
    expect(parseDurationInput('')).toBeUndefined();
    expect(parseDurationInput('250')).toBe(250);
    expect(parseDurationInput('250us')).toBe(250);
    expect(parseDurationInput('1.5ms')).toBe(1500);
    expect(parseDurationInput(' 2 s ')).toBe(2_000_000);
    expect(parseDurationInput('1m')).toBe(60_000_000);
    expect(parseDurationInput('fast')).toBeNaN();
  });
});
