import { startPgCluster } from '../testing/pg-cluster.js';
import { runChaosSoak } from './chaos-soak.js';
import { lastVfsRace } from './last-vfs-race.js';

/**
 * `npm run bench chaosSoak` (issue 16): the soak for `minutes` on 6 hosts
 * (2 PFs of 4 VFs each) with a fault every 10 s on average, then the race
 * of 1,000 requests for a fleet's last 100 VFs. PostgreSQL commits durably,
 * as in production: a killed connection or process loses nothing it said
 * was done.
 */
export async function chaosSoakBench(minutes: number) {
  const cluster = await startPgCluster({ durable: true });
  try {
    const soak = await runChaosSoak({
      cluster,
      durationMs: minutes * 60_000,
      hosts: 6,
      vfsPerPf: 4,
      maxLive: 16,
      workers: 3,
      faultEveryMs: 10_000,
      specEveryMs: 90_000,
      settleMs: 300_000,
      dirtyBoundMs: 30_000,
      seed: Date.now() % 100_000,
      log: (l) => process.stderr.write(`chaosSoak: ${l}\n`),
    });
    const lastVfs = await lastVfsRace({
      cluster,
      hosts: 20,
      vfsPerPf: 5,
      free: 100,
      requests: 1_000,
    });
    return { soak, lastVfs };
  } finally {
    await cluster.stop();
  }
}
