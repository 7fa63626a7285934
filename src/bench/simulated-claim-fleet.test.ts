import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client.js';
import { hostRoutes } from '../api/routes/hosts.js';
import { quotaRoutes } from '../api/routes/quotas.js';
import { ensureBuilt, vfleetBin } from '../testing/built-cli.js';
import { claimLoad } from './claim-load.js';
import { onSimulatedClaimFleet, type ClaimFleetProcess } from './simulated-claim-fleet.js';

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('onSimulatedClaimFleet', () => {
  it('joins agents to a controller child on its embedded store, lifts the bench tenant quotas, claims through the API, and leaves no process or folder', async () => {
    let seen: ClaimFleetProcess | undefined;
    const r = await onSimulatedClaimFleet(
      { hosts: 4, pfsPerHost: 2, vfsPerPf: 4, cpusPerNode: 8 },
      { store: 'pglite', cli: vfleetBin },
      async (url, token, ctl) => {
        seen = ctl;
        // After its start-up banner the child logs JSON lines: the helper's error check reads them.
        const log = await readFile(join(ctl.dataDir, 'controller.log'), 'utf8');
        const json = log.split('\n').find((l) => l.startsWith('{'));
        expect(JSON.parse(json ?? '{}')).toMatchObject({ level: 'info' });
        expect(alive(ctl.pid)).toBe(true);
        const api = createApiClient({ baseUrl: url, token, fetch });
        const hosts = await api.call(hostRoutes.list, { query: {} });
        expect(hosts.items.map((h) => [h.id, h.ready, h.vfCounts.free])).toEqual([
          ['host00000', true, 8],
          ['host00001', true, 8],
          ['host00002', true, 8],
          ['host00003', true, 8],
        ]);
        // PF i on NUMA node i % 2, as the SQL seeding lays them out.
        const one = await api.call(hostRoutes.get, { params: { id: 'host00002' } });
        expect(one.pfs.map((pf) => [pf.pciAddress, pf.numaNode])).toEqual([
          ['0000:10:00.0', 0],
          ['0000:11:00.0', 1],
        ]);
        const quota = await api.call(quotaRoutes.get, { params: { tenant: 'bench' } });
        // One instance per request, then one with a VF on each PF of a host.
        const single = await claimLoad(url, token, {
          clients: 2,
          perClient: 3,
          maxMs: 30_000,
          body: (n) => ({
            name: `vm${n}`,
            vcpus: 1,
            memoryMb: 256,
            tenant: 'bench',
            ports: [{ network: 'blue' }],
          }),
        });
        const spread = await claimLoad(url, token, {
          clients: 1,
          perClient: 1,
          maxMs: 30_000,
          body: () => ({
            name: 'two',
            vcpus: 1,
            memoryMb: 256,
            tenant: 'bench',
            numaPolicy: 'preferred',
            distinctPfs: true,
            ports: [{ network: 'blue' }, { network: 'blue' }],
          }),
        });
        return { quota, single, spread };
      },
    );
    expect(r.fleetSource).toBe('simulated agents');
    expect(r.vfs).toBe(32);
    expect(r.joinSeconds).toBeGreaterThan(0);
    expect(r.agentLogLines).toBe(0);
    expect([r.quota.overrides.instances, r.quota.overrides.vfs]).toEqual([
      'unlimited',
      'unlimited',
    ]);
    expect([r.single.claimed, r.single.failed]).toEqual([6, {}]);
    expect([r.spread.claimed, r.spread.failed]).toEqual([1, {}]);
    // Closed: the controller process has exited and its data folder (the embedded store) is gone.
    expect(seen).toBeDefined();
    if (seen === undefined) return;
    expect(alive(seen.pid)).toBe(false);
    expect(existsSync(seen.dataDir)).toBe(false);
  }, 120_000);
});
