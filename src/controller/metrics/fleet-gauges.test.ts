import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapacityView } from '../../api/answers.js';
import { HOST_HEALTHS } from '../../core/fleet/model.js';
import { startHarness, type Harness } from '../../testing/controller-harness.js';
import { sampleValue, samples } from '../../testing/exposition.js';
import { checkMetrics } from '../../testing/promtool.js';
import { startQueryFleet } from '../../testing/query-fleet.js';
import { STORE_KINDS, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

const STATES = ['free', 'reserved', 'allocated', 'quarantined', 'dirty'] as const;

describe.each(STORE_KINDS)("GET /metrics: the fleet's gauges on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { metricsPerHost: true }, undefined, {
      metrics: new Registry(),
    });
    await startQueryFleet(h);
  }, 120_000);
  afterAll(() => h.close());

  const scrape = async (token: string | null = null) => {
    const r = await h.call('GET', '/metrics', token);
    expect(r.status).toBe(200);
    return String(r.body.text);
  };

  it('tells what GET /v1/capacity tells: VFs by state and physnet, hosts by health and readiness', async () => {
    const cap = (await h.call('GET', '/v1/capacity', h.admin)).body as unknown as CapacityView;
    const text = await scrape();
    for (const p of cap.physnets)
      for (const state of STATES)
        expect(sampleValue(text, 'vfleet_vfs', { state, physnet: p.physnet ?? '' }), state).toBe(
          p[state],
        );
    for (const health of HOST_HEALTHS)
      expect(sampleValue(text, 'vfleet_hosts', { health })).toBe(cap.hosts.byHealth[health]);
    expect(sampleValue(text, 'vfleet_hosts_ready', { ready: 'true' })).toBe(cap.hosts.ready);
    expect(sampleValue(text, 'vfleet_hosts_ready', { ready: 'false' })).toBe(
      cap.hosts.total - cap.hosts.ready,
    );
    // hv-b and hv-c reported after the clock moved; hv-a is stale and hv-d never reported.
    expect(sampleValue(text, 'vfleet_agents_connected')).toBe(
      cap.hosts.byHealth.healthy + cap.hosts.byHealth.degraded,
    );
    expect(sampleValue(text, 'vfleet_agents_waiting')).toBe(0);
  });

  it('per host with --metrics-per-host: the hosts add up to the fleet', async () => {
    const text = await scrape();
    // hv-b holds web1's VF (allocated) and the one a deleted instance left dirty.
    expect(sampleValue(text, 'vfleet_host_vfs', { host: 'hv-b', state: 'allocated' })).toBe(1);
    expect(sampleValue(text, 'vfleet_host_vfs', { host: 'hv-b', state: 'dirty' })).toBe(1);
    for (const state of STATES) {
      const sum = (name: string) =>
        samples(text, name)
          .filter((s) => s.labels.state === state)
          .reduce((a, s) => a + s.value, 0);
      expect(sum('vfleet_host_vfs'), state).toBe(sum('vfleet_vfs'));
    }
    expect(await checkMetrics(text)).toEqual({ exitCode: 0, output: '' });
  });
});

describe('GET /metrics: who may read it', () => {
  it('is open by default, holds no per-host series, and needs an admin token when asked to', async () => {
    const open = await startHarness('pglite', {}, undefined, { metrics: new Registry() });
    try {
      const r = await open.call('GET', '/metrics', null);
      expect(r.status).toBe(200);
      expect(String(r.body.text)).not.toContain('vfleet_host_vfs');
    } finally {
      await open.close();
    }
    const closed = await startHarness('pglite', { metricsTokenRequired: true }, undefined, {
      metrics: new Registry(),
    });
    try {
      expect((await closed.call('GET', '/metrics', null)).status).toBe(401);
      const tenant = await closed.token('tenant', { tenant: 'acme' });
      expect((await closed.call('GET', '/metrics', tenant)).status).toBe(403);
      const r = await closed.call('GET', '/metrics', closed.admin);
      expect(r.status).toBe(200);
      // Requests count under their route's template, the refused ones too.
      expect(
        sampleValue(String(r.body.text), 'vfleet_http_requests_total', {
          route: '/metrics',
          method: 'GET',
          status: '401',
        }),
      ).toBe(1);
    } finally {
      await closed.close();
    }
  }, 60_000);
});
