import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client.js';
import { hostRoutes } from '../api/routes/hosts.js';
import { specRoutes } from '../api/routes/specs.js';
import { DEFAULT_CONFIG } from '../controller/controller-deps.js';
import { startSocketController, type SocketController } from '../testing/socket-controller.js';
import { startSimulatedFleet } from './simulated-fleet.js';

let ctl: SocketController;
beforeAll(async () => {
  ctl = await startSocketController('vfleet-simfleet-', DEFAULT_CONFIG);
}, 60_000);
afterAll(async () => {
  await ctl.close();
});

describe('startSimulatedFleet', () => {
  it('joins hosts through the real agent loop: ready, VFs free, clean, owned by vfleet on p1; a spec change reaches only the hosts it selects', async () => {
    const desired: string[] = [];
    const fleet = await startSimulatedFleet(
      ctl.url,
      ctl.token,
      {
        hosts: 3,
        pfsPerHost: 2,
        vfsPerPf: 4,
        cpusPerNode: 8,
        labels: (i) => ({ group: i === 0 ? 'g0' : 'g1' }),
        // Host 0's PFs sit on bus 0x20, the others' on 0x10: a spec can select host 0 alone.
        bus: (i) => (i === 0 ? 0x20 : 0x10),
        specs: [
          { name: 'igb', pciAddress: '0000:1?:*', physnet: 'p1', numVfs: 4 },
          { name: 'igb-g0', pciAddress: '0000:2?:*', physnet: 'p1', numVfs: 4 },
        ],
      },
      { concurrency: 2, onDesired: (h) => desired.push(h) },
    );
    try {
      expect(fleet.hostIds).toEqual(['host00000', 'host00001', 'host00002']);
      const api = createApiClient({ baseUrl: ctl.url, token: ctl.token, fetch });
      const list = await api.call(hostRoutes.list, { query: {} });
      expect(list.items.map((h) => [h.id, h.ready, h.vfCounts.free, h.labels.group])).toEqual([
        ['host00000', true, 8, 'g0'],
        ['host00001', true, 8, 'g1'],
        ['host00002', true, 8, 'g1'],
      ]);
      const one = await api.call(hostRoutes.get, { params: { id: 'host00001' } });
      const vfs = one.pfs.flatMap((pf) => pf.vfs);
      expect(vfs).toHaveLength(8);
      for (const v of vfs) expect([v.state, v.owner, v.physnet]).toEqual(['free', 'vfleet', 'p1']);

      desired.length = 0;
      await api.call(specRoutes.update, {
        params: { id: fleet.specIds['igb-g0'] ?? '' },
        body: { vfDriver: 'kernel' },
      });
      for (let t = 0; t < 100 && !desired.includes('host00000'); t++)
        await new Promise((r) => setTimeout(r, 50));
      expect(desired).toEqual(['host00000']);
      expect(fleet.logs()).toEqual([]);
    } finally {
      await fleet.close();
    }
  }, 60_000);
});
