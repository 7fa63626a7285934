import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../testing/built-cli.js';
import { pgCluster, stopPgCluster } from '../testing/store-targets.js';
import { lastVfsRace } from './last-vfs-race.js';

beforeAll(ensureBuilt, 300_000);
afterAll(stopPgCluster);

// The bench (`chaosSoak`) races 1,000 requests for the last 100 of 200 VFs;
// the suite races a tenth of the fleet at the same odds, for CI's time.
describe('the last free VFs, raced for through two controller processes', () => {
  it('300 requests for the last 30 VFs: exactly 30 granted, 270 NO_CAPACITY, none held twice', async () => {
    const r = await lastVfsRace({
      cluster: await pgCluster(),
      hosts: 6,
      vfsPerPf: 5,
      free: 30,
      requests: 300,
    });
    expect(r.vfs).toBe(60);
    expect(r.statuses).toEqual({ '201': 30, '409 NO_CAPACITY': 270 });
    expect(r.granted).toBe(30);
    // Every VF of the fleet held once: the 30 taken first and the 30 won.
    expect(r.heldAfter).toBe(60);
    expect(r.violations).toEqual([]);
  }, 600_000);
});
