import { describe, expect, it } from 'vitest';
import { VfleetError } from './errors.js';
import { parseDuration, parseTimePoint } from './duration.js';

const NOW = Date.parse('2030-06-10T12:00:00Z');

describe('durations and time points', () => {
  it('reads spans in each unit', () => {
    expect(parseDuration('90d', 'x')).toBe(90 * 86_400_000);
    expect(parseDuration('24h', 'x')).toBe(86_400_000);
    expect(parseDuration('30m', 'x')).toBe(1_800_000);
    expect(parseDuration('45s', 'x')).toBe(45_000);
    expect(parseDuration('2w', 'x')).toBe(14 * 86_400_000);
  });

  it('refuses what is not a span, naming the option', () => {
    for (const bad of ['', '0d', '7', 'd', '1.5h', '-1d', '3y', '1e3s']) {
      let caught: unknown;
      try {
        parseDuration(bad, 'audit-retention');
      } catch (e) {
        caught = e;
      }
      expect(caught, bad).toBeInstanceOf(VfleetError);
      expect((caught as VfleetError).details.field).toBe('audit-retention');
    }
  });

  it('takes an RFC 3339 time as given, and a span as that long before now', () => {
    expect(parseTimePoint('2030-06-01T08:00:00+02:00', NOW, '--since')).toBe(
      '2030-06-01T06:00:00.000Z',
    );
    expect(parseTimePoint('7d', NOW, '--since')).toBe('2030-06-03T12:00:00.000Z');
    expect(parseTimePoint('24h', NOW, '--since')).toBe('2030-06-09T12:00:00.000Z');
    expect(() => parseTimePoint('last tuesday', NOW, '--since')).toThrow(/--since/);
    expect(() => parseTimePoint('2030-06-01', NOW, '--until')).toThrow(/--until/);
  });
});
