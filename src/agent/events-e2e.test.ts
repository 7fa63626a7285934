import { afterAll, describe, expect, it } from 'vitest';
import { igbHost, startTestController, until } from '../testing/e2e-kit.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

interface Ev {
  kind: string;
  host: string | null;
  subject: string | null;
  message: string;
  data: Record<string, unknown>;
}

/**
 * The event log as a real agent on a fixture host fills it: the host
 * joining, the spec applied (sriov_numvfs written), the claimed VF set in
 * `ip` and reset on release; each event also a line of the controller's log.
 */
describe.each(STORE_KINDS)('events from a real agent, on %s', (kind) => {
  it('host-joined, spec-applied, vf-configured and vf-reset, in order, also logged', async () => {
    const ctl = await startTestController(kind);
    const { api } = ctl;
    const host = await igbHost('hv-e', '0000:3b:00.0', 0);
    const events = async (q = '') =>
      ((await api.call('GET', `/v1/events${q}`, api.admin)).body.items ?? []) as Ev[];
    const kinds = async () => (await events()).map((e) => e.kind);
    try {
      await ctl.startAgent('hv-e', host);
      await until('hv-e to join', async () => (await kinds()).includes('host-joined'));
      const must = async (path: string, body: unknown) => {
        const r = await api.call('POST', path, api.admin, body);
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return r.body;
      };
      await must('/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] });
      await must('/v1/specs', { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: 4 });
      await must('/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme', vlan: 120 });
      // The host's first apply (before any spec) is an event too: wait for the one of spec igb.
      const specApplied = (e: Ev) => e.kind === 'spec-applied' && e.subject === 'igb';
      await until('the spec applied', async () => (await events()).some(specApplied));
      // The made VFs reach the inventory with the agent's next report.
      await until('4 free VFs', async () => {
        const d = (await api.call('GET', '/v1/hosts/hv-e', api.admin)).body as {
          pfs?: { vfs: { state: string }[] }[];
        };
        return (d.pfs ?? []).flatMap((p) => p.vfs).filter((v) => v.state === 'free').length === 4;
      });
      expect(host.kernel.writes()).toContainEqual({
        path: '/sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs',
        value: '4',
      });
      const mac = 'fa:16:3e:aa:bb:cc';
      const inst = await must('/v1/instances', {
        name: 'vm1',
        vcpus: 1,
        memoryMb: 256,
        tenant: 'acme',
        ports: [{ network: 'blue', mac }],
      });
      await until('the VF configured', async () => (await kinds()).includes('vf-configured'));
      expect((await api.call('DELETE', `/v1/instances/${String(inst.id)}`, api.admin)).status).toBe(
        204,
      );
      await until('the VF reset', async () => (await kinds()).includes('vf-reset'));

      const early = (e: Ev) => e.kind === 'spec-applied' && e.subject !== 'igb';
      // The network's own event races the agent's spec-applied; it is not what this test follows.
      const network = (kind: string | undefined) => kind === 'network-created';
      const all = (await events()).filter((e) => !early(e) && !network(e.kind));
      expect(all.map((e) => e.kind)).toEqual([
        'host-joined',
        'spec-applied',
        'instance-created',
        'vf-configured',
        'instance-deleted',
        'vf-reset',
      ]);
      const byKind = (k: string) => all.find((e) => e.kind === k);
      expect(byKind('host-joined')?.message).toMatch(
        /^host hv-e joined: 1 SR-IOV PF\(s\), 0 VF\(s\)/,
      );
      expect(all.find(specApplied)).toMatchObject({
        host: 'hv-e',
        subject: 'igb',
        data: { pfs: [{ pciAddress: '0000:3b:00.0', spec: 'igb', numVfs: 4 }] },
      });
      const configured = byKind('vf-configured');
      expect(configured).toMatchObject({
        host: 'hv-e',
        subject: 'vm1',
        data: { mac, vlan: 120, instance: 'vm1', network: 'blue', pfAddress: '0000:3b:00.0' },
      });
      const vf = String(configured?.data.vfAddress);
      expect(configured?.message).toContain(`(${vf}) set to MAC ${mac} VLAN 120 for instance vm1`);
      expect(byKind('vf-reset')?.data).toMatchObject({ vfAddress: vf });
      // The operator's log tail: the same events, one line each, in order.
      expect(ctl.events.map((l) => /kind=(\S+)/.exec(l)?.[1]).filter((k) => !network(k))).toEqual(
        all.map((e) => e.kind),
      );
      expect(ctl.events[3]).toContain(`message="`);
    } finally {
      await ctl.close();
      await host.fixture.cleanup();
    }
    expect(ctl.logs.join('\n')).toBe('');
  }, 240_000);
});
