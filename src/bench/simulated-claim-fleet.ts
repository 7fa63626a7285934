import { randomUUID } from 'node:crypto';
import { createApiClient } from '../api/client.js';
import { quotaRoutes } from '../api/routes/quotas.js';
import { startPgCluster, type PgCluster } from '../testing/pg-cluster.js';
import { startControllerChild } from './controller-child.js';
import { startSimulatedFleet } from './simulated-fleet.js';
import { round } from './stats.js';

/** A claim bench's fleet: every host alike, PFs alternating between NUMA nodes 0 and 1. */
export interface ClaimFleet {
  readonly hosts: number;
  readonly pfsPerHost: number;
  readonly vfsPerPf: number;
  readonly cpusPerNode: number;
}

export interface SimulatedClaimFleetOptions {
  /** PostgreSQL (durable commits, as the SQL-seeded benches) or the controller's embedded PGlite. */
  readonly store: 'postgres' | 'pglite';
  /** The CLI the controller child runs (default the built one beside this file). */
  readonly cli?: string;
  /** Hosts joined so far, for a progress line. */
  readonly onProgress?: (ready: number) => void;
  readonly joinTimeoutMs?: number;
}

/** What the measuring code may read besides the URL and token (a test checks the PID is gone). */
export interface ClaimFleetProcess {
  readonly pid: number;
  readonly dataDir: string;
}

/**
 * The claim benches' fleet made as a real one is: a `vfleet controller`
 * child process (controller-child.ts) on its store, hosts joined by the
 * agents' real loop (simulated-fleet.ts: register, report, apply, then
 * long-poll and heartbeat on the real clock during the measurement), and the
 * bench tenant's quotas lifted through the API as an operator would (the
 * benches measure claims, not quotas). Hands `measure` the controller's URL
 * and admin token, and closes agents, controller and database whatever
 * happens.
 */
export async function onSimulatedClaimFleet<T extends object>(
  fleet: ClaimFleet,
  o: SimulatedClaimFleetOptions,
  measure: (url: string, token: string, ctl: ClaimFleetProcess) => Promise<T>,
): Promise<
  { fleetSource: 'simulated agents'; joinSeconds: number; vfs: number; agentLogLines: number } & T
> {
  // Durable commits (fsync, synchronous_commit on): a claim's figure includes its WAL flush.
  const pg: PgCluster | null =
    o.store === 'postgres' ? await startPgCluster({ durable: true }) : null;
  try {
    const databaseUrl =
      pg === null ? null : await pg.createDatabase(`bench_${randomUUID().replace(/-/g, '')}`);
    const ctl = await startControllerChild({
      databaseUrl,
      ...(o.cli === undefined ? {} : { cli: o.cli }),
    });
    try {
      const agents = await startSimulatedFleet(ctl.url, ctl.adminToken, fleet, {
        ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
        ...(o.joinTimeoutMs === undefined ? {} : { joinTimeoutMs: o.joinTimeoutMs }),
      });
      try {
        const admin = createApiClient({ baseUrl: ctl.url, token: ctl.adminToken, fetch });
        await admin.call(quotaRoutes.set, {
          params: { tenant: 'bench' },
          body: { instances: 'unlimited', vfs: 'unlimited' },
        });
        const result = await measure(ctl.url, ctl.adminToken, {
          pid: ctl.pid,
          dataDir: ctl.dataDir,
        });
        // The in-process bench failed on a controller error; here the child's log says (5xx, crashes).
        const errors = (await ctl.logText())
          .split('\n')
          .filter((l) => /"level":"(error|fatal)"/.test(l));
        if (errors.length > 0)
          throw new Error(
            `controller errors during the bench (${errors.length}): ${errors.slice(0, 3).join('; ')}`,
          );
        return {
          fleetSource: 'simulated agents',
          joinSeconds: round(agents.readySeconds, 1),
          vfs: fleet.hosts * fleet.pfsPerHost * fleet.vfsPerPf,
          // Failed reports or refused states while measuring (a healthy fleet logs none).
          agentLogLines: agents.logs().length,
          ...result,
        };
      } finally {
        await agents.close();
      }
    } finally {
      await ctl.stop();
    }
  } finally {
    await pg?.stop();
  }
}
