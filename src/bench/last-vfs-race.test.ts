import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../testing/built-cli.js';
import { pgCluster, stopPgCluster } from '../testing/store-targets.js';
import { lastVfsRace } from './last-vfs-race.js';

beforeAll(ensureBuilt, 300_000);
afterAll(stopPgCluster);

describe('the last free VFs, raced for through two controller processes', () => {
  it('1,000 requests for the last 100 VFs: exactly 100 granted, 900 NO_CAPACITY, none held twice', async () => {
    const r = await lastVfsRace({
      cluster: await pgCluster(),
      hosts: 20,
      vfsPerPf: 5,
      free: 100,
      requests: 1_000,
    });
    expect(r.vfs).toBe(200);
    expect(r.statuses).toEqual({ '201': 100, '409 NO_CAPACITY': 900 });
    expect(r.granted).toBe(100);
    // Every VF of the fleet held once: the 100 taken first and the 100 won.
    expect(r.heldAfter).toBe(200);
    expect(r.violations).toEqual([]);
  }, 600_000);
});
