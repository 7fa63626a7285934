import { afterAll, describe, expect, it } from 'vitest';
import type { AppliedVms, ReportedPf } from '../../core/fleet/host-store.js';
import type { ClaimInput } from '../../core/fleet/claim-store.js';
import { hostRenderFactsOf } from '../../core/fleet/host-render-facts.js';
import { deviceSpec } from '../../testing/device-spec.js';
import { NO_LINK, NOT_REPORTED } from '../../testing/reported-devices.js';
import { STORE_KINDS, openTestStore, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

const NOW = '2030-01-01T00:00:00.000Z';
const STALE = '2029-12-31T23:59:00.000Z';
const NO_VMS: AppliedVms = { results: [], goneEvents: () => [] };
const PF = '0000:01:00.0';
const pf: ReportedPf = {
  pciAddress: PF,
  ifname: 'eth1',
  vendorId: '8086',
  deviceId: '1521',
  driver: 'igb',
  totalVfs: 7,
  numVfs: 4,
  numaNode: 0,
  link: NO_LINK,
  eswitchMode: null,
  vfs: [0, 1, 2, 3].map((i) => ({
    index: i,
    pciAddress: `0000:01:10.${i}`,
    reported: NOT_REPORTED,
  })),
};

describe.each(STORE_KINDS)('VF owners in the store on %s', (kind) => {
  it('never claims a VF handed to another owner, even for a placement naming its PF', async () => {
    const { store } = await openTestStore(kind);
    try {
      await store.catalog.createPhysnet({ name: 'p1', vlanRanges: [{ min: 100, max: 101 }] });
      await store.hosts.register('h1', {}, NOW);
      // VF 0 is vfleet's; VFs 1-3 Kubernetes'.
      const spec = (id: string, over: Parameters<typeof deviceSpec>[0]) =>
        store.catalog.createSpec(deviceSpec({ id, name: id, numVfs: 4, createdAt: NOW, ...over }));
      await spec('a', { pf: `${PF}#0` });
      await spec('b', { pf: `${PF}#1-3`, owner: 'kubernetes' });
      const report = {
        pfs: [pf],
        numaNodes: [{ node: 0, socket: 0, cpus: 8 }],
        memoryMb: 8192,
        healthy: true,
        findings: [],
      };
      const h = await store.hosts.report(
        'h1',
        report,
        hostRenderFactsOf(report, report.numaNodes),
        NOW,
      );
      const result = { generation: h.desiredGeneration, ok: true, failedVfs: [], message: null };
      await store.hosts.applied('h1', result, NO_VMS, NOW);

      const { vfs } = await store.hosts.devices('h1');
      expect(vfs.map((v) => v.owner)).toEqual(['vfleet', 'kubernetes', 'kubernetes', 'kubernetes']);
      // The scheduler sees one free VF on the PF: vfleet's.
      const cands = await store.claims.candidates(['p1'], STALE);
      expect(cands[0]?.pfs[0]?.free).toEqual([
        { physnet: 'p1', trusted: false, netdev: false, count: 1 },
      ]);
      const pfId = cands[0]?.pfs[0]?.id ?? -1;
      const net = await store.catalog.createNetwork({
        id: 'n1',
        name: 'net',
        tenant: 't',
        physnet: 'p1',
        vlan: null,
      });
      const claim = (id: string): ClaimInput => ({
        id,
        name: id,
        tenant: 't',
        vcpus: 1,
        memoryMb: 64,
        numaPolicy: 'preferred',
        hostLabels: {},
        placement: {
          hostId: 'h1',
          numaNode: 0,
          ports: [{ pfId, physnet: 'p1', vfTrusted: false }],
        },
        ports: [
          {
            id: `port-${id}`,
            network: net,
            vnicType: 'direct',
            mac: null,
            macGenerated: true,
            trusted: false,
            spoofchk: true,
            maxTxRate: 0,
            minTxRate: 0,
          },
        ],
        now: NOW,
        reservedUntil: '2030-01-01T00:05:00.000Z',
        staleBefore: STALE,
      });
      const first = await store.claims.claim(claim('i1'));
      expect(first.ok && first.instance.ports[0]?.pciAddress).toBe('0000:01:10.0');
      // A stale snapshot still placing a port on the PF: the claim re-checks under the lock.
      expect(await store.claims.claim(claim('i2'))).toEqual({ ok: false, lost: 'vfs' });
      const after = await store.hosts.devices('h1');
      expect(after.vfs.filter((v) => v.owner === 'kubernetes').map((v) => v.state)).toEqual([
        'free',
        'free',
        'free',
      ]);
    } finally {
      await store.close();
    }
  });
});
