import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { listenForMetrics } from '../adapters/net/metrics-listener.js';
import { igbHost, startTestController, until } from '../testing/e2e-kit.js';
import { sampleValue } from '../testing/exposition.js';
import { addVfTraffic } from '../testing/fake-ip-state.js';
import { fleetCli, fleetTestEnv } from '../testing/fleet-cli.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

interface Rec {
  action: string;
  actor: { kind: string; name?: string; role?: string; tenant?: string | null };
  instance: string | null;
  vfs: string[];
  macs: string[];
  after: Record<string, unknown> | null;
  before: Record<string, unknown> | null;
}

/**
 * "Who held VF X": a real controller and a real agent on a fixture host.
 * The VF is made by the spec, claimed by instance A (a tenant token),
 * configured by the agent, carries A's traffic (seen moving on the agent's
 * /metrics), is released, reset by the agent, claimed by B; its audit
 * history tells all of it in order, through the API and `vfleet audit`.
 */
describe.each(STORE_KINDS)("a VF's whole history in the audit log, on %s", (kind) => {
  it('made, claimed by A, configured, released, reset, claimed by B', async () => {
    const ctl = await startTestController(kind);
    const { api } = ctl;
    const host = await igbHost('hv-a', '0000:3b:00.0', 0);
    const env = await fleetTestEnv({ url: ctl.url, token: api.admin });
    const registry = new Registry();
    const metrics = await listenForMetrics('127.0.0.1', 0, async () => ({
      contentType: registry.contentType,
      body: await registry.metrics(),
    }));
    const rxBytes = async (vfPci: string) =>
      sampleValue(await (await fetch(metrics.url)).text(), 'vfleet_vf_receive_bytes_total', {
        vf_pci: vfPci,
      });
    const audit = async (q: string) =>
      ((await api.call('GET', `/v1/audit?${q}`, api.admin)).body.items ?? []) as Rec[];
    try {
      await ctl.startAgent('hv-a', host, { labels: {}, metrics: registry });
      const must = async (path: string, body: unknown, token = api.admin) => {
        const r = await api.call('POST', path, token, body);
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return r.body;
      };
      await until('hv-a to join', async () => (await audit('action=host.join')).length === 1);
      await must('/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] });
      // One VF: both instances must land on it.
      await must('/v1/specs', { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: 1 });
      await must('/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme', vlan: 120 });
      const made = await until('the VF made', async () => (await audit('action=vf.create'))[0]);
      const vf = made.vfs[0] ?? '';
      expect(vf).toMatch(/^0000:3b:10\.0$/);
      await until('the VF free', async () => {
        const d = (await api.call('GET', '/v1/hosts/hv-a', api.admin)).body as {
          pfs?: { vfs: { state: string; dirty: boolean }[] }[];
        };
        return (d.pfs ?? []).flatMap((p) => p.vfs).some((v) => v.state === 'free' && !v.dirty);
      });
      const tenant = await api.token('tenant', { tenant: 'acme' });
      // Claimable once the host has applied its declared state: until then a create is refused 409.
      const created = (vm: string, mac: string) =>
        until(`${vm} placed`, async () => {
          const r = await api.call('POST', '/v1/instances', tenant, {
            name: vm,
            vcpus: 1,
            memoryMb: 256,
            ports: [{ network: 'blue', mac }],
          });
          if (r.status === 409) return null;
          expect(r.status, JSON.stringify(r.body)).toBe(201);
          return r.body;
        });
      const a = await created('vm-a', 'fa:16:3e:00:00:0a');
      await until(
        'A configured',
        async () => (await audit(`vf=${vf}&action=vf.configure`)).length === 1,
      );
      // A's traffic through the VF moves the VF's counters on the agent's /metrics by that much.
      const before = await until('the VF on /metrics', () => rxBytes(vf));
      const pfName = (
        (await api.call('GET', '/v1/hosts/hv-a', api.admin)).body as {
          pfs?: { ifname: string | null }[];
        }
      ).pfs?.[0]?.ifname;
      await addVfTraffic(host.fixture.ipStatePath, pfName ?? '?', 0, {
        rx: { bytes: 64_000, packets: 1_000 },
      });
      const after = await until('the traffic on /metrics', async () => {
        const now = await rxBytes(vf);
        return now !== before ? now : null;
      });
      expect(after - before).toBe(64_000);
      expect((await api.call('DELETE', `/v1/instances/${String(a.id)}`, tenant)).status).toBe(204);
      await until(
        'the VF reset',
        async () => (await audit(`vf=${vf}&action=vf.reset`)).length === 1,
      );
      await until('the VF offered again', async () => {
        const d = (await api.call('GET', '/v1/hosts/hv-a', api.admin)).body as {
          pfs?: { vfs: { state: string; dirty: boolean }[] }[];
        };
        return (d.pfs ?? []).flatMap((p) => p.vfs).some((v) => v.state === 'free' && !v.dirty);
      });
      const b = await created('vm-b', 'fa:16:3e:00:00:0b');

      const history = await audit(`vf=${vf}&order=asc`);
      expect(history.map((r) => r.action)).toEqual([
        'vf.create',
        'instance.create',
        'vf.configure',
        'instance.delete',
        'vf.reset',
        'instance.create',
      ]);
      const [, claimA, configured, release, reset, claimB] = history;
      const tenantActor = { kind: 'token', role: 'tenant', tenant: 'acme' };
      expect(claimA).toMatchObject({
        actor: tenantActor,
        instance: a.id,
        macs: ['fa:16:3e:00:00:0a'],
      });
      expect(claimA?.actor.name).toMatch(/^tenant-/);
      expect(configured).toMatchObject({ actor: { kind: 'fleet' }, instance: a.id });
      expect(configured?.after).toMatchObject({
        mac: 'fa:16:3e:00:00:0a',
        vlan: 120,
        instance: 'vm-a',
      });
      expect(release).toMatchObject({ actor: tenantActor, instance: a.id, vfs: [vf] });
      expect(reset).toMatchObject({ actor: { kind: 'fleet' }, vfs: [vf] });
      expect(claimB).toMatchObject({ instance: b.id, macs: ['fa:16:3e:00:00:0b'] });

      // The CLI prints the same history, oldest first, one line each.
      const r = await fleetCli(['audit', '--vf', vf, '--order', 'asc', '--since', '1h'], env);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^AT\s+ACTOR\s+ACTION\s+OBJECT\s+HOST\s+RESULT\s+SUMMARY$/);
      expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[2])).toEqual(history.map((h) => h.action));
      expect(lines[2]).toContain(`instance:vm-a`);
      expect(lines[2]).toContain(`vf ${vf} mac fa:16:3e:00:00:0a`);
      expect(lines[3]).toMatch(/\d\dZ\s+fleet\s+vf\.configure\s+vf:pf3b VF 0\s+hv-a\s+ok/);

      const json = await fleetCli(
        ['audit', '--vf', vf, '--action', 'instance.create', '-o', 'json'],
        env,
      );
      expect((JSON.parse(json.stdout) as Rec[]).map((x) => x.instance)).toEqual([b.id, a.id]);
      const bad = await fleetCli(['audit', '--since', 'last tuesday'], env);
      expect(bad.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
      expect(bad.stderr).toContain('--since: "last tuesday" is neither an RFC 3339 time');

      // No secret anywhere in the table: neither the admin's nor the tenant's token.
      const dump = await sql<{
        t: string | null;
      }>`select string_agg(to_jsonb(a)::text, ' ') as t from audit_log a`.execute(ctl.store.db);
      const text = dump.rows[0]?.t ?? '';
      expect(text).toContain(vf);
      for (const secret of [api.admin, tenant]) expect(text).not.toContain(secret);
    } finally {
      await ctl.close();
      await metrics.close();
      await env.cleanup();
      await host.fixture.cleanup();
    }
    expect(ctl.logs.join('\n')).toBe('');
  }, 240_000);
});
