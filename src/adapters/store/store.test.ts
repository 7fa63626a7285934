import { afterAll, describe, expect, it } from 'vitest';
import type { AppliedVms, ReportedPf } from '../../core/fleet/host-store.js';
import { hostRenderFactsOf } from '../../core/fleet/host-render-facts.js';
import { deviceSpec } from '../../testing/device-spec.js';
import { NO_LINK, NOT_REPORTED } from '../../testing/reported-devices.js';
import { STORE_KINDS, openTestStore, stopPgCluster } from '../../testing/store-targets.js';

/** An applied report without domains. */
const NO_VMS: AppliedVms = { results: [], goneEvents: () => [] };

afterAll(stopPgCluster);

const NOW = '2030-01-01T00:00:00.000Z';
const pf = (n: number, numVfs: number): ReportedPf => ({
  pciAddress: `0000:0${n}:00.0`,
  ifname: `eth${n}`,
  vendorId: '8086',
  deviceId: '1521',
  driver: 'igb',
  totalVfs: 7,
  numVfs,
  numaNode: 0,
  link: NO_LINK,
  eswitchMode: null,
  vfs: Array.from({ length: numVfs }, (_, i) => ({
    index: i,
    pciAddress: `0000:0${n}:10.${i}`,
    reported: NOT_REPORTED,
  })),
});

describe.each(STORE_KINDS)('store on %s', (kind) => {
  it('migrates, syncs inventory, claims and releases in transactions', async () => {
    const { store } = await openTestStore(kind);
    try {
      await store.catalog.createPhysnet({ name: 'p1', vlanRanges: [{ min: 100, max: 101 }] });
      const host = await store.hosts.register('h1', { rack: 'r1' }, NOW);
      expect(host.ready).toBe(false);
      await store.catalog.createSpec(
        deviceSpec({ id: 's1', name: 's1', numVfs: 2, createdAt: NOW }),
      );
      const report = {
        pfs: [pf(1, 2)],
        numaNodes: [{ node: 0, socket: 0, cpus: 4 }],
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
      expect(h.specGeneration).toBe(2);
      const applied = await store.hosts.applied(
        'h1',
        { generation: h.desiredGeneration, ok: true, failedVfs: [], message: null },
        NO_VMS,
        NOW,
      );
      expect(applied.ready).toBe(true);

      const cands = await store.claims.candidates(['p1'], '2029-12-31T23:59:00.000Z');
      expect(cands[0]?.pfs[0]?.free).toEqual([
        { physnet: 'p1', trusted: false, netdev: false, count: 2 },
      ]);
      const net = await store.catalog.createNetwork({
        id: 'n1',
        name: 'net',
        tenant: 't',
        physnet: 'p1',
        vlan: null,
      });
      expect(net.vlan).toBe(100);
      const pfId = cands[0]?.pfs[0]?.id ?? -1;
      const claim = await store.claims.claim({
        id: 'i1',
        name: 'vm',
        tenant: 't',
        vcpus: 2,
        memoryMb: 1024,
        numaPolicy: 'required',
        hostLabels: {},
        placement: {
          hostId: 'h1',
          numaNode: 0,
          ports: [{ pfId, physnet: 'p1', vfTrusted: false }],
        },
        ports: [
          {
            id: 'port1',
            network: net,
            vnicType: 'direct',
            mac: 'fa:16:3e:00:00:01',
            macGenerated: false,
            trusted: false,
            spoofchk: true,
            maxTxRate: 0,
            minTxRate: 0,
          },
        ],
        now: NOW,
        reservedUntil: '2030-01-01T00:05:00.000Z',
        staleBefore: '2029-12-31T23:59:00.000Z',
      });
      expect(claim.ok && claim.instance.ports[0]?.pciAddress).toBe('0000:01:10.0');
      // A second host's rows stay its own in the one read of many; an unknown id is left out.
      const report2 = { ...report, pfs: [pf(2, 1)] };
      await store.hosts.register('h2', {}, NOW);
      await store.hosts.report('h2', report2, hostRenderFactsOf(report2, report2.numaNodes), NOW);
      const many = await store.hosts.desiredInputs(['h1', 'h2', 'nope']);
      expect([...many.keys()].sort()).toEqual(['h1', 'h2']);
      expect(many.get('h2')?.pfs.map((p) => p.pciAddress)).toEqual(['0000:02:00.0']);
      expect(many.get('h2')?.bound).toEqual([]);
      expect(many.get('h1')?.pfs.map((p) => p.pciAddress)).toEqual(['0000:01:00.0']);
      expect(many.get('h1')?.specs.map((x) => x.id)).toEqual(['s1']);
      const inputs = many.get('h1');
      expect(inputs?.bound).toEqual([
        {
          pfId,
          index: 0,
          mac: 'fa:16:3e:00:00:01',
          vlan: 100,
          trusted: false,
          spoofchk: true,
          maxTxRate: 0,
          minTxRate: 0,
        },
      ]);

      expect(await store.claims.release('i1')).toBe(true);
      const { vfs } = await store.hosts.devices('h1');
      expect(vfs.map((v) => [v.state, v.dirty])).toEqual([
        ['free', true],
        ['free', false],
      ]);
    } finally {
      await store.close();
    }
  });
});
