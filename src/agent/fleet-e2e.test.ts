import { afterAll, describe, expect, it } from 'vitest';
import type { Json } from '../testing/controller-harness.js';
import type { VfInfoJson } from '../testing/fake-ip-state.js';
import { igbHost, startTestController, until } from '../testing/e2e-kit.js';
import type { FixtureHost } from '../testing/fixture-host.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

/** The fake `ip`'s state; the agent's `ip` may be rewriting it right now, so a torn read is retried. */
async function ipState(h: FixtureHost) {
  for (let i = 0; ; i++) {
    try {
      return await h.ipState();
    } catch (e) {
      if (!(e instanceof SyntaxError) || i > 50) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const vfInfo = async (
  h: FixtureHost,
  ifname: string,
  index: number,
): Promise<VfInfoJson | undefined> =>
  (await ipState(h)).links
    .find((l) => l.ifname === ifname)
    ?.vfinfo_list?.find((v) => v.vf === index);

const batchLines = async (h: FixtureHost) =>
  (await h.commands()).filter((c) => c.argv[0] === 'batch').map((c) => c.argv[1] ?? '');

interface HostDetail {
  ready: boolean;
  labels: Record<string, string>;
  pfs: {
    pciAddress: string;
    vfs: { index: number; pciAddress: string; state: string; dirty: boolean }[];
  }[];
}

describe.each(STORE_KINDS)('agents on fixture hosts, controller over HTTP, on %s', (kind) => {
  it('apply a declared spec, configure a claimed VF in `ip`, and reset it on release', async () => {
    const ctl = await startTestController(kind);
    const { api } = ctl;
    const hosts = [
      {
        name: 'hv-a',
        pf: '0000:3b:00.0',
        ifname: 'pf3b',
        numa: 0,
        rack: 'r1',
        ...(await igbHost('hv-a', '0000:3b:00.0', 0)),
      },
      {
        name: 'hv-b',
        pf: '0000:5e:00.0',
        ifname: 'pf5e',
        numa: 1,
        rack: 'r2',
        ...(await igbHost('hv-b', '0000:5e:00.0', 1)),
      },
    ];
    try {
      for (const h of hosts) await ctl.startAgent(h.name, h, { labels: { rack: h.rack } });
      const detail = async (name: string) =>
        (await api.call('GET', `/v1/hosts/${name}`, api.admin)).body as unknown as HostDetail;
      // Each agent registers under its hostname, with its labels and its PF.
      for (const h of hosts)
        await until(`${h.name} to report its PF`, async () => {
          const r = await api.call('GET', `/v1/hosts/${h.name}`, api.admin);
          return r.status === 200 && (r.body.pfs as unknown[]).length === 1;
        });
      expect((await detail('hv-b')).labels).toEqual({ rack: 'r2' });

      // Declared state: 4 trusted-capable VFs per igb PF on physnet p1.
      const must = async (path: string, body: unknown) => {
        const r = await api.call('POST', path, api.admin, body);
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return r.body;
      };
      await must('/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] });
      await must('/v1/specs', {
        name: 'igb',
        driver: 'igb',
        physnet: 'p1',
        numVfs: 4,
        trusted: true,
      });
      await must('/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme', vlan: 120 });
      for (const h of hosts) {
        await until(`${h.name} to apply the spec`, async () => {
          const d = await detail(h.name);
          return d.ready && d.pfs[0]?.vfs.length === 4;
        });
        // The agent wrote the count; the simulated kernel made the VFs, bound to vfio-pci.
        expect(h.kernel.writes()).toContainEqual({
          path: `/sys/bus/pci/devices/${h.pf}/sriov_numvfs`,
          value: '4',
        });
        const vf0 = (await detail(h.name)).pfs[0]?.vfs[0]?.pciAddress ?? '?';
        expect(await h.fixture.fs.readLink(`/sys/bus/pci/devices/${vf0}/driver`)).toMatch(
          /vfio-pci$/,
        );
      }

      // A trusted port on a rack-r2 host: lands on hv-b.
      const mac = 'fa:16:3e:aa:bb:cc';
      const inst = await must('/v1/instances', {
        name: 'vm1',
        vcpus: 2,
        memoryMb: 1024,
        tenant: 'acme',
        hostLabels: { rack: 'r2' },
        ports: [{ network: 'blue', mac, trusted: true, maxTxRate: 500 }],
      });
      expect(inst.host).toBe('hv-b');
      const port = (inst.ports as Json[])[0] as { pciAddress: string; vlan: number };
      const b = hosts[1];
      if (b === undefined) throw new Error('no host b');
      const index =
        (await detail('hv-b')).pfs[0]?.vfs.find((v) => v.pciAddress === port.pciAddress)?.index ??
        -1;
      expect(index).toBeGreaterThanOrEqual(0);

      // The agent puts the port's settings on that VF through `ip`, then the instance is active.
      const configured = await until('the VF config in ip', async () => {
        const v = await vfInfo(b.fixture, b.ifname, index);
        return v?.address === mac ? v : null;
      });
      expect(configured).toMatchObject({
        vlan_list: [{ vlan: 120 }],
        spoofchk: false,
        trust: true,
        rate: { max_tx: 500 },
      });
      expect(await batchLines(b.fixture)).toEqual(
        expect.arrayContaining([
          `link set dev ${b.ifname} vf ${index} mac ${mac}`,
          expect.stringMatching(new RegExp(`^link set dev ${b.ifname} vf ${index} vlan 120`)),
        ]),
      );
      await until(
        'the instance to be active',
        async () =>
          (await api.call('GET', `/v1/instances/${String(inst.id)}`, api.admin)).body.state ===
          'active',
      );
      // The other host never saw that MAC.
      const a = hosts[0];
      expect(
        (a && (await ipState(a.fixture)))?.links
          .flatMap((l) => l.vfinfo_list ?? [])
          .some((v) => v.address === mac),
      ).toBe(false);

      // Release: the agent resets the VF (MAC zeroed, VLAN 0, spoof check on, trust off, no rate).
      const before = (await b.fixture.commands()).length;
      expect((await api.call('DELETE', `/v1/instances/${String(inst.id)}`, api.admin)).status).toBe(
        204,
      );
      const reset = await until('the VF reset in ip', async () => {
        const v = await vfInfo(b.fixture, b.ifname, index);
        return v?.address === '00:00:00:00:00:00' ? v : null;
      });
      expect(reset).toMatchObject({
        vlan_list: [{}],
        spoofchk: true,
        trust: false,
        rate: { max_tx: 0, min_tx: 0 },
      });
      const resetLines = (await b.fixture.commands())
        .slice(before)
        .filter((c) => c.argv[0] === 'batch')
        .map((c) => c.argv[1]);
      expect(resetLines).toEqual(
        expect.arrayContaining([
          `link set dev ${b.ifname} vf ${index} mac 00:00:00:00:00:00`,
          `link set dev ${b.ifname} vf ${index} vlan 0`,
          `link set dev ${b.ifname} vf ${index} spoofchk on`,
          `link set dev ${b.ifname} vf ${index} trust off`,
        ]),
      );
      // Only once the agent confirmed the reset is the VF offered again.
      await until('the VF to be free and clean', async () => {
        const v = (await detail('hv-b')).pfs[0]?.vfs[index];
        return v?.state === 'free' && !v.dirty;
      });
    } finally {
      await ctl.close();
      for (const h of hosts) await h.fixture.cleanup();
    }
    // Joined so a failure prints the lines themselves, not `[ Array(1) ]`.
    expect(ctl.logs.join('\n')).toBe('');
  }, 120_000);
});
