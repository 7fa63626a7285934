import { describe, expect, it } from 'vitest';
import { measureTrial } from './search-trial.js';

const trial = {
  offeredPps: 1_000_000,
  sentFrames: 2_000_000,
  receivedFrames: 2_000_000,
  durationMs: 2000,
};

describe('reading a trial', () => {
  it('passes a trial that lost nothing, at the offered rate', () => {
    expect(measureTrial(trial, 0, 0.01)).toMatchObject({
      ratePps: 1_000_000,
      lossRatio: 0,
      passed: true,
      generatorShort: false,
    });
  });

  it('fails one lost frame under the strict rule, and passes it under a tolerance', () => {
    const lossy = { ...trial, receivedFrames: 1_999_999 };
    expect(measureTrial(lossy, 0, 0.01)).toMatchObject({ lossRatio: 5e-7, passed: false });
    expect(measureTrial(lossy, 1e-6, 0.01).passed).toBe(true);
  });

  it('passes loss exactly at the acceptable ratio (at most, not below)', () => {
    const lossy = { ...trial, receivedFrames: 1_998_000 };
    expect(measureTrial(lossy, 0.001, 0.01).passed).toBe(true);
    expect(measureTrial({ ...lossy, receivedFrames: 1_997_999 }, 0.001, 0.01).passed).toBe(false);
  });

  it('counts stray frames the receiver saw as no loss, not as negative loss', () => {
    expect(measureTrial({ ...trial, receivedFrames: 2_000_050 }, 0, 0.01).lossRatio).toBe(0);
  });

  it('stands for the rate actually sent when the generator fell short', () => {
    const short = { ...trial, sentFrames: 1_200_000, receivedFrames: 1_200_000 };
    expect(measureTrial(short, 0, 0.01)).toMatchObject({ ratePps: 600_000, generatorShort: true });
    // Within the tolerance the shortfall is not called a limit, but the rate is still the achieved one.
    const close = { ...trial, sentFrames: 1_990_000, receivedFrames: 1_990_000 };
    expect(measureTrial(close, 0, 0.01)).toMatchObject({ ratePps: 995_000, generatorShort: false });
    expect(measureTrial(close, 0, 0.001).generatorShort).toBe(true);
  });

  it('refuses a trial in which nothing was sent: the generator failed, not the device', () => {
    expect(() => measureTrial({ ...trial, sentFrames: 0, receivedFrames: 0 }, 0, 0.01)).toThrow(
      expect.objectContaining({ code: 'COMMAND_FAILED' }) as Error,
    );
  });

  it.each([
    ['offeredPps', { offeredPps: 0 }],
    ['durationMs', { durationMs: -1 }],
    ['sentFrames', { sentFrames: 1.5 }],
    ['receivedFrames', { receivedFrames: -3 }],
  ])('refuses a bad %s', (field, change) => {
    expect(() => measureTrial({ ...trial, ...change }, 0, 0.01)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', details: { field } }) as Error,
    );
  });
});
