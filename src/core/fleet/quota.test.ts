import { describe, expect, it } from 'vitest';
import { VfleetError } from '../errors.js';
import {
  DEFAULT_QUOTAS,
  effectiveLimit,
  enforceQuota,
  fairVlanShare,
  NO_OVERRIDES,
  vlanCount,
} from './quota.js';

describe('quotas', () => {
  it('gives a tenant at most half of a physnet by default, rounded up, never 0 and never all', () => {
    for (const vlans of [1, 2, 3, 4, 99, 100, 4094]) {
      const limit = fairVlanShare(DEFAULT_QUOTAS.vlanShare, vlans);
      expect(limit).toBe(Math.max(1, Math.ceil(vlans / 2)));
      if (vlans > 1) expect(limit).toBeLessThan(vlans);
    }
    expect(
      vlanCount([
        { min: 100, max: 199 },
        { min: 300, max: 300 },
      ]),
    ).toBe(101);
  });

  it('an override wins over the default; null is the default, unlimited is no limit', () => {
    const o = { ...NO_OVERRIDES, instances: 3, vlansPerPhysnet: 'unlimited' as const };
    expect(effectiveLimit('instances', DEFAULT_QUOTAS, o)).toBe(3);
    expect(effectiveLimit('vfs', DEFAULT_QUOTAS, o)).toBe(DEFAULT_QUOTAS.vfs);
    expect(effectiveLimit('vlansPerPhysnet', DEFAULT_QUOTAS, o, 100)).toBeNull();
    expect(effectiveLimit('vlansPerPhysnet', DEFAULT_QUOTAS, NO_OVERRIDES, 100)).toBe(50);
    expect(
      effectiveLimit('vlansPerPhysnet', DEFAULT_QUOTAS, { ...NO_OVERRIDES, vlansPerPhysnet: 7 }, 2),
    ).toBe(7);
  });

  it('refuses exactly past the limit, naming the quota, limit and usage', () => {
    const base = { tenant: 'acme', quota: 'vfs' as const, limit: 4, usage: 3 };
    expect(() => {
      enforceQuota({ ...base, requested: 1 });
    }).not.toThrow();
    expect(() => {
      enforceQuota({ ...base, limit: null, usage: 1e6, requested: 1 });
    }).not.toThrow();
    try {
      enforceQuota({ ...base, requested: 2, field: 'ports' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VfleetError);
      const err = e as VfleetError;
      expect(err.code).toBe('QUOTA_EXCEEDED');
      expect(err.details).toMatchObject({ quota: 'vfs', limit: 4, usage: 3, requested: 2 });
      expect(err.message).toContain('3 of at most 4 VF(s)');
    }
  });
});
