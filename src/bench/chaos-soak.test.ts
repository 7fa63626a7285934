import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../testing/built-cli.js';
import { pgCluster, stopPgCluster } from '../testing/store-targets.js';
import { runChaosSoak } from './chaos-soak.js';

/**
 * The chaos soak, shortened (`npm run bench chaosSoak` runs it 10 minutes):
 * 30 s of churn on 3 hosts through two controller processes on one
 * PostgreSQL, a fault every 2 to 6 s (each kind at least twice), then the
 * fleet settles and every invariant is read again. Short and small because
 * its two controllers share CI's two cores with every other test file.
 */
beforeAll(ensureBuilt, 300_000);
afterAll(stopPgCluster);

describe('chaos soak (shortened)', () => {
  it('churns while controllers, agents and database connections are killed, and breaks no invariant', async () => {
    const lines: string[] = [];
    const r = await runChaosSoak({
      cluster: await pgCluster(),
      durationMs: 30_000,
      hosts: 3,
      vfsPerPf: 4,
      maxLive: 8,
      workers: 2,
      faultEveryMs: 4_000,
      specEveryMs: 12_000,
      settleMs: 180_000,
      dirtyBoundMs: 30_000,
      seed: 16,
      log: (l) => lines.push(l),
    });
    expect(r.firstViolations, lines.join('\n')).toEqual([]);
    expect(r.violations).toBe(0);
    // The churn did each kind of work, and each kind of fault struck.
    for (const op of ['creates', 'deletes', 'migrations', 'specChanges'])
      expect(r.operations[op], op).toBeGreaterThan(0);
    for (const f of ['controllerKills', 'agentStops', 'pgTerminations'])
      expect(r.faults[f], f).toBeGreaterThan(0);
    expect(r.instancesAtEnd).toBeGreaterThan(0);
  }, 600_000);
});
