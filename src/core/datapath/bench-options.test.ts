import { describe, expect, it } from 'vitest';
import { VfleetError } from '../errors.js';
import { resolveBenchOptions, type RawBenchOptions } from './bench-options.js';

function refusal(raw: RawBenchOptions): VfleetError {
  try {
    resolveBenchOptions(raw);
  } catch (e) {
    if (e instanceof VfleetError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('resolveBenchOptions', () => {
  it('defaults to every path, the seven RFC 2544 sizes, 10 s trials and latency at 90%', () => {
    expect(resolveBenchOptions({})).toEqual({
      paths: ['vf', 'macvtap', 'vhost', 'virtio', 'e1000', 'vdpa'],
      frameSizes: [64, 128, 256, 512, 1024, 1280, 1518],
      trialDurationMs: 10_000,
      maxTrials: 30,
      acceptableLoss: 0,
      latencyLoad: 0.9,
      latencySamples: 100,
      via: 'auto',
      vm: { vcpus: 2, memoryMiB: 512, kernel: null },
    });
  });

  it('reads the forwarding VM options, and refuses bad ones naming the option', () => {
    const o = resolveBenchOptions({
      via: 'vm',
      vmVcpus: '1',
      vmMemory: '192',
      guestKernel: '/var/lib/k/vmlinuz',
    });
    expect([o.via, o.vm]).toEqual([
      'vm',
      { vcpus: 1, memoryMiB: 192, kernel: '/var/lib/k/vmlinuz' },
    ]);
    const field = (raw: Parameters<typeof resolveBenchOptions>[0]) => {
      try {
        resolveBenchOptions(raw);
      } catch (e) {
        return (e as { details?: { field?: unknown } }).details?.field;
      }
      return null;
    };
    expect(field({ via: 'bridge' })).toBe('via');
    expect(field({ vmVcpus: '0' })).toBe('vm-vcpus');
    expect(field({ vmVcpus: '1.5' })).toBe('vm-vcpus');
    expect(field({ vmMemory: '64' })).toBe('vm-memory');
    expect(field({ guestKernel: 'vmlinuz' })).toBe('guest-kernel');
    expect(field({ guestKernel: '/boot/../etc/shadow' })).toBe('guest-kernel');
  });

  it('puts paths in the canonical order and sorts frame sizes, whatever order they came in', () => {
    const o = resolveBenchOptions({ paths: 'vdpa, macvtap,vf', frameSizes: '1518,64, 512' });
    expect(o.paths).toEqual(['vf', 'macvtap', 'vdpa']);
    expect(o.frameSizes).toEqual([64, 512, 1518]);
  });

  it('reads the numbers, in seconds for the duration', () => {
    expect(
      resolveBenchOptions({
        duration: '0.25',
        maxTrials: '12',
        acceptableLoss: '0.001',
        latencyLoad: '0',
        latencySamples: '0',
      }),
    ).toMatchObject({
      trialDurationMs: 250,
      maxTrials: 12,
      acceptableLoss: 0.001,
      latencyLoad: 0,
      latencySamples: 0,
    });
    expect(resolveBenchOptions({ duration: '600', latencyLoad: '1' })).toMatchObject({
      trialDurationMs: 600_000,
      latencyLoad: 1,
    });
    expect(resolveBenchOptions({ frameSizes: '64,1518' }).frameSizes).toEqual([64, 1518]);
  });

  it.each<[RawBenchOptions, string, string]>([
    [
      { paths: 'vf,sriov' },
      'paths',
      '"sriov" is not a path (vf, macvtap, vhost, virtio, e1000, vdpa)',
    ],
    [{ paths: 'vf,,macvtap' }, 'paths', '"vf,,macvtap" has an empty item'],
    [{ paths: '' }, 'paths', '"" has an empty item'],
    [{ paths: 'vf,vf' }, 'paths', '"vf,vf" names an item twice'],
    [{ frameSizes: '64,63' }, 'frame-sizes', '"63" is not a frame size from 64 to 1518 bytes'],
    [{ frameSizes: '1519' }, 'frame-sizes', '"1519" is not a frame size from 64 to 1518 bytes'],
    [{ frameSizes: '64.0' }, 'frame-sizes', '"64.0" is not a frame size'],
    [{ frameSizes: '0x40' }, 'frame-sizes', '"0x40" is not a frame size'],
    [{ frameSizes: '64,64' }, 'frame-sizes', '"64,64" names an item twice'],
    [{ frameSizes: '64,' }, 'frame-sizes', '"64," has an empty item'],
    [{ duration: '0.05' }, 'duration', '"0.05" is not a number from 0.1 to 600'],
    [{ duration: '601' }, 'duration', '"601" is not a number from 0.1 to 600'],
    [{ duration: 'ten' }, 'duration', '"ten" is not a number'],
    [{ duration: ' ' }, 'duration', '" " is not a number'],
    [{ duration: 'Infinity' }, 'duration', '"Infinity" is not a number'],
    [{ maxTrials: '0' }, 'max-trials', '"0" is not a number from 1 to 100'],
    [{ maxTrials: '101' }, 'max-trials', '"101" is not a number from 1 to 100'],
    [{ acceptableLoss: '-0.1' }, 'acceptable-loss', '"-0.1" is not a number from 0 to 0.5'],
    [{ acceptableLoss: '0.6' }, 'acceptable-loss', '"0.6" is not a number from 0 to 0.5'],
    [{ latencyLoad: '1.1' }, 'latency-load', '"1.1" is not a number from 0 to 1'],
    [{ latencyLoad: 'NaN' }, 'latency-load', '"NaN" is not a number'],
    [{ latencySamples: '10001' }, 'latency-samples', '"10001" is not a number from 0 to 10000'],
    [{ latencySamples: '' }, 'latency-samples', '"" is not a whole number'],
    [{ maxTrials: '1.4' }, 'max-trials', '"1.4" is not a whole number'],
  ])('refuses %j naming --%s', (raw, field, said) => {
    const e = refusal(raw);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details).toEqual({ field });
    expect(e.message).toContain(`--${field}: ${said}`);
  });
});
