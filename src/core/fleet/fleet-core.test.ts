import { describe, expect, it } from 'vitest';
import { deviceSpec } from '../../testing/device-spec.js';
import type { DeviceSpec } from './model.js';
import { governingSpec, parsePfSelector, pciGlobMatches, vfTags } from './spec-match.js';
import { firstFreeVlan, vlanRangeProblem } from './vlan-ranges.js';

/** Selects by nothing but what a test sets. */
const spec = (over: Partial<DeviceSpec>) => deviceSpec({ vendor: null, ...over });
const target = { pciAddress: '0000:81:00.1', vendorId: '8086', deviceId: '1521', driver: 'igb' };

describe('device specs', () => {
  it('parses a PF with VF ranges and rejects malformed ones', () => {
    expect(parsePfSelector('81:00.0#0-3,6')).toEqual({
      pciAddress: '0000:81:00.0',
      vfRanges: [
        { min: 0, max: 3 },
        { min: 6, max: 6 },
      ],
    });
    expect(parsePfSelector('0000:81:00.0')).toEqual({ pciAddress: '0000:81:00.0', vfRanges: [] });
    for (const bad of ['81:00.0#3-1', 'zz#1', '81:00.0#1#2', '81:00.0#a']) {
      expect(parsePfSelector(bad)).toBeNull();
    }
  });

  it('globs PCI addresses, domain optional', () => {
    expect(pciGlobMatches('0000:81:*', '0000:81:00.1')).toBe(true);
    expect(pciGlobMatches('81:00.?', '0000:81:00.1')).toBe(true);
    expect(pciGlobMatches('82:*', '0000:81:00.1')).toBe(false);
  });

  it('selects by vendor, device, driver and address; the oldest matching spec governs', () => {
    const specs = [
      spec({ id: 'a', vendor: '15b3' }),
      spec({ id: 'b', driver: 'igb', pciAddress: '0000:81:*' }),
      spec({ id: 'c', vendor: '8086' }),
    ];
    expect(governingSpec(specs, target)?.id).toBe('b');
    expect(governingSpec([spec({ device: '10fb' })], target)).toBeNull();
  });

  it('tags VFs by the PF#range selector', () => {
    const specs = [
      spec({ pf: '0000:81:00.1#0-1', physnet: 'fast', trusted: true }),
      spec({ pf: '0000:81:00.1', physnet: 'slow' }),
    ];
    expect(vfTags(specs, target, 1)).toEqual({ physnet: 'fast', trusted: true, owner: 'vfleet' });
    expect(vfTags(specs, target, 2)).toEqual({ physnet: 'slow', trusted: false, owner: 'vfleet' });
    expect(vfTags([], target, 0)).toEqual({ physnet: null, trusted: false, owner: null });
  });
});

describe('VLAN ranges', () => {
  it('finds overlaps and inverted ranges', () => {
    expect(
      vlanRangeProblem([
        { min: 100, max: 199 },
        { min: 200, max: 299 },
      ]),
    ).toBeNull();
    expect(
      vlanRangeProblem([
        { min: 100, max: 200 },
        { min: 200, max: 299 },
      ])?.[0],
    ).toBe(1);
    expect(
      vlanRangeProblem([
        { min: 300, max: 399 },
        { min: 100, max: 350 },
      ])?.[1],
    ).toContain('overlaps');
    expect(vlanRangeProblem([{ min: 5, max: 4 }])?.[0]).toBe(0);
  });

  it('allocates the lowest free VLAN', () => {
    const ranges = [
      { min: 200, max: 201 },
      { min: 100, max: 100 },
    ];
    expect(firstFreeVlan(ranges, new Set())).toBe(100);
    expect(firstFreeVlan(ranges, new Set([100, 200]))).toBe(201);
    expect(firstFreeVlan(ranges, new Set([100, 200, 201]))).toBeNull();
  });
});
