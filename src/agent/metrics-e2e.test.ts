import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { listenForMetrics } from '../adapters/net/metrics-listener.js';
import { igbHost, startTestController, until } from '../testing/e2e-kit.js';
import { addVfTraffic } from '../testing/fake-ip-state.js';
import { familyNames, sampleValue } from '../testing/exposition.js';
import { shippedExpressions, vfleetNamesIn } from '../testing/deploy-files.js';
import { checkMetrics } from '../testing/promtool.js';
import { stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

const scrape = async (url: string) => {
  const r = await fetch(url);
  expect(r.status).toBe(200);
  return r.text();
};

/**
 * A real agent on a fixture host with its metrics listener, next to a real
 * controller: traffic the test puts through a VF (the fake kernel's
 * counters) shows on the agent's /metrics as exactly that much more, and
 * both processes' scrapes pass Prometheus's own checker.
 */
describe('metrics end to end', () => {
  it("a VF's traffic counters move on the agent's /metrics by what went through it", async () => {
    const ctl = await startTestController('pglite');
    const { api } = ctl;
    const host = await igbHost('hv-m', '0000:3b:00.0', 1);
    const registry = new Registry();
    const listener = await listenForMetrics('127.0.0.1', 0, async () => ({
      contentType: registry.contentType,
      body: await registry.metrics(),
    }));
    try {
      await ctl.startAgent('hv-m', host, { labels: {}, metrics: registry });
      const must = async (path: string, body: unknown) => {
        const r = await api.call('POST', path, api.admin, body);
        expect(r.status, JSON.stringify(r.body)).toBe(201);
      };
      await must('/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] });
      await must('/v1/specs', { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: 2 });
      const vfs = await until('2 free VFs', async () => {
        const d = (await api.call('GET', '/v1/hosts/hv-m', api.admin)).body as {
          pfs?: { ifname: string | null; vfs: { index: number; pciAddress: string }[] }[];
        };
        const pf = d.pfs?.[0];
        return pf?.vfs.length === 2 ? { pf: pf.ifname ?? '', vfs: pf.vfs } : null;
      });
      const vf1 = vfs.vfs.find((v) => v.index === 1);
      const labels = {
        pf: vfs.pf,
        pf_pci: '0000:3b:00.0',
        vf: '1',
        vf_pci: vf1?.pciAddress ?? '?',
        numa_node: '1',
      };
      const rxBytes = (t: string) => sampleValue(t, 'vfleet_vf_receive_bytes_total', labels);
      // The agent names VFs by its last scan: wait for the one that saw both.
      const before = await until('VF 1 on /metrics', async () => {
        const t = await scrape(listener.url);
        return rxBytes(t) === null ? null : t;
      });
      await addVfTraffic(host.fixture.ipStatePath, vfs.pf, 1, {
        rx: { bytes: 150_000, packets: 100, broadcast: 3, dropped: 2 },
        tx: { tx_bytes: 6_400, tx_packets: 100 },
      });
      // Counters are read at most once a second: the next fresh read shows the traffic.
      const after = await until('the traffic on /metrics', async () => {
        const t = await scrape(listener.url);
        return rxBytes(t) !== rxBytes(before) ? t : null;
      });
      const moved = (name: string, l: Record<string, string> = labels) =>
        (sampleValue(after, name, l) ?? NaN) - (sampleValue(before, name, l) ?? NaN);
      expect(moved('vfleet_vf_receive_bytes_total')).toBe(150_000);
      expect(moved('vfleet_vf_receive_packets_total')).toBe(100);
      expect(moved('vfleet_vf_receive_broadcast_packets_total')).toBe(3);
      expect(moved('vfleet_vf_receive_multicast_packets_total')).toBe(0);
      expect(moved('vfleet_vf_receive_dropped_packets_total')).toBe(2);
      expect(moved('vfleet_vf_transmit_bytes_total')).toBe(6_400);
      expect(moved('vfleet_vf_transmit_packets_total')).toBe(100);
      // The other VF saw none of it.
      expect(moved('vfleet_vf_receive_bytes_total', { vf: '0' })).toBe(0);
      expect(sampleValue(after, 'vfleet_agent_vf_stats_up')).toBe(1);
      expect(sampleValue(after, 'vfleet_agent_scan_duration_seconds_count')).toBeGreaterThan(0);
      expect(sampleValue(after, 'vfleet_agent_applies_total', { result: 'ok' })).toBeGreaterThan(0);

      const agentCheck = await checkMetrics(after);
      expect(agentCheck).toEqual({ exitCode: 0, output: '' });

      // The controller: a placed claim and a refused one, the fleet's gauges, requests by route.
      await must('/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme', vlan: 120 });
      const port = (n: number) => ({ network: 'blue', mac: `fa:16:3e:00:00:0${String(n)}` });
      const create = (name: string, ports: unknown[]) =>
        api.call('POST', '/v1/instances', api.admin, {
          name,
          vcpus: 1,
          memoryMb: 256,
          tenant: 'acme',
          ports,
        });
      expect((await create('vm1', [port(1)])).status).toBe(201);
      expect((await create('vm2', [port(2), port(3)])).status).toBe(409);
      await api.call('GET', '/v1/hosts/hv-m', api.admin);
      const ctlText = await scrape(`${ctl.url}/metrics`);
      expect(sampleValue(ctlText, 'vfleet_claims_total', { outcome: 'placed' })).toBe(1);
      expect(sampleValue(ctlText, 'vfleet_claims_total', { outcome: 'no_capacity' })).toBe(1);
      expect(
        sampleValue(ctlText, 'vfleet_claim_duration_seconds_count', { outcome: 'placed' }),
      ).toBe(1);
      // The one host has one free VF left for two ports: turned down for its VFs.
      expect(sampleValue(ctlText, 'vfleet_scheduling_rejections_total', { reason: 'vfs' })).toBe(1);
      const vfsIn = (state: string) => sampleValue(ctlText, 'vfleet_vfs', { state, physnet: 'p1' });
      expect([vfsIn('free'), (vfsIn('reserved') ?? 0) + (vfsIn('allocated') ?? 0)]).toEqual([1, 1]);
      expect(sampleValue(ctlText, 'vfleet_hosts', { health: 'healthy' })).toBe(1);
      expect(sampleValue(ctlText, 'vfleet_agents_connected')).toBe(1);
      expect(sampleValue(ctlText, 'vfleet_apply_results_total', { result: 'ok' })).toBeGreaterThan(
        0,
      );
      // Route templates, not paths: the host's name is not in a label.
      expect(
        sampleValue(ctlText, 'vfleet_http_requests_total', {
          route: '/v1/hosts/:id',
          method: 'GET',
          status: '200',
        }),
      ).toBeGreaterThan(0);
      expect(ctlText).not.toMatch(/route="[^"]*hv-m/);
      expect(await checkMetrics(ctlText)).toEqual({ exitCode: 0, output: '' });

      // Every metric the shipped dashboard and alert rules read is one these two processes serve.
      const served = new Set([...familyNames(ctlText), ...familyNames(after)]);
      const used = new Set((await shippedExpressions()).flatMap(vfleetNamesIn));
      expect(used.size).toBeGreaterThan(15);
      expect([...used].filter((n) => !served.has(n))).toEqual([]);
      expect(ctl.logs).toEqual([]);
    } finally {
      await ctl.close();
      await listener.close();
      await host.fixture.cleanup();
    }
  }, 60_000);

  it('promtool check metrics bites: a made-up bad exposition is reported', async () => {
    const bad =
      '# HELP x_seconds a counter without _total\n# TYPE x_seconds counter\nx_seconds 1\n';
    const r = await checkMetrics(bad);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/_total/);
  });
});
