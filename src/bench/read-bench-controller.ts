import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type OpenedStore } from '../adapters/store/open-store.js';
import { realWorld } from '../bin/real-world.js';
import { DEFAULT_CONFIG } from '../controller/controller-deps.js';
import { runController } from '../controller/run-controller.js';
import { UNLIMITED_QUOTAS } from '../core/fleet/quota.js';
import { startPgCluster } from '../testing/pg-cluster.js';

export interface ReadBenchController {
  readonly url: string;
  /** The admin token's secret, as `vfleet controller` wrote it. */
  readonly token: string;
  /** Stops the controller and removes its admin token's folder. */
  close(): Promise<void>;
}

/**
 * The controller the read benches (`lists`, `reads`) measure: on `store`,
 * loopback, unlimited quotas (they hold thousands of instances for one
 * tenant), no log, the clock fixed at `now` so the seeded hosts stay fresh.
 */
export async function startReadBenchController(
  store: OpenedStore,
  now: number,
): Promise<ReadBenchController> {
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-bench-'));
  const ctl = await runController({
    ...realWorld,
    store,
    host: '127.0.0.1',
    port: 0,
    adminTokenFile: join(dir, 'admin-token'),
    config: { ...DEFAULT_CONFIG, quotas: UNLIMITED_QUOTAS },
    now: () => now,
    log: () => undefined,
    serializeClaims: store.embedded,
  });
  const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim();
  return {
    url: ctl.url,
    token,
    async close() {
      await ctl.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `measure` on a fresh database of a throwaway PostgreSQL cluster, removed afterwards. */
export async function withReadBenchStore<T>(
  measure: (store: OpenedStore) => Promise<T>,
): Promise<T> {
  const cluster = await startPgCluster();
  try {
    const url = await cluster.createDatabase(`bench_${randomUUID().replace(/-/g, '')}`);
    const store = await openStore({ kind: 'postgres', url, poolSize: 10 });
    try {
      return await measure(store);
    } finally {
      await store.close();
    }
  } finally {
    await cluster.stop();
  }
}
