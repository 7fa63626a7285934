import { describe, expect, it } from 'vitest';
import { until } from '../testing/e2e-kit.js';
import { libvirtUri, startVmFleet } from '../testing/vm-fleet.js';

interface InstanceOut {
  id: string;
  host: string | null;
  vm?: { domain: string; state: string | null };
}
interface MigrationOut {
  state: string;
  source: string;
  target: string;
  createdAt: string;
  finishedAt: string | null;
}
interface DrainOut {
  state: string;
  blocked: { name: string; reason: string }[];
  message: string | null;
}

/** Migrations are several agent round trips each; a busy CI machine is slow. */
const wait = <T>(what: string, probe: () => Promise<T | null | undefined | false>) =>
  until(what, probe, 240_000);

describe('draining a host through its agents', () => {
  it('live-migrates every instance away one at a time, names the one that cannot move, and ends cordoned and empty', async () => {
    const fleet = await startVmFleet('pglite');
    const { api, libvirt } = fleet;
    const call = async (method: string, path: string, body?: unknown, status = 200) => {
      const r = await api.call(method, path, api.admin, body);
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
      return r.body as unknown;
    };
    const instance = (id: string) => call('GET', `/v1/instances/${id}`) as Promise<InstanceOut>;
    const create = async (name: string, boot: boolean) =>
      (await call(
        'POST',
        '/v1/instances',
        {
          name,
          vcpus: 1,
          memoryMb: 512,
          tenant: 'acme',
          // No label: a drain may move it to any host (labels bind migrations too).
          hostLabels: {},
          ports: [{ network: 'blue' }],
          ...(boot ? { boot: { image: `${name}.qcow2` } } : {}),
        },
        201,
      )) as InstanceOut;
    try {
      // hv-b cordoned while they are placed: every one lands on hv-a.
      await call('POST', '/v1/hosts/hv-b/cordon', { reason: 'not yet' });
      const web = await create('web', true);
      const db = await create('db', true);
      // Claimed but never booted: there is no domain to move.
      const held = await create('tap', false);
      for (const i of [web, db]) {
        expect(i.host).toBe('hv-a');
        await wait(`${i.id} running`, async () => (await instance(i.id)).vm?.state === 'running');
      }

      await call('POST', '/v1/hosts/hv-b/uncordon', {});
      const started = (await call(
        'POST',
        '/v1/hosts/hv-a/drain',
        { maxParallel: 1, reason: 'kernel update' },
        202,
      )) as DrainOut;
      expect(started.state).toBe('draining');
      // Cordoned from the first moment: nothing new lands on hv-a.
      const refused = await api.call('POST', '/v1/instances', api.admin, {
        name: 'late',
        vcpus: 1,
        memoryMb: 512,
        tenant: 'acme',
        hostLabels: { rack: 'r1' },
        ports: [{ network: 'blue' }],
      });
      expect(refused.status).toBe(409);
      expect(String(refused.body.message)).toContain('1 cordoned');

      const stuck = await wait('the drain to move all it can', async () => {
        const d = (await call('GET', '/v1/hosts/hv-a/drain')) as DrainOut;
        return d.state === 'draining' ? null : d;
      });
      expect(stuck.state).toBe('stuck');
      expect(stuck.blocked).toEqual([
        { instance: held.id, name: 'tap', reason: 'instance tap was not booted: it has no domain' },
      ]);
      expect(stuck.message).toContain('1 cannot move: tap');
      const moves: MigrationOut[] = [];
      for (const i of [web, db]) {
        const moved = await instance(i.id);
        expect(moved.host).toBe('hv-b');
        expect(libvirt.domains(libvirtUri('hv-b')).get(moved.vm?.domain ?? '?')?.state).toBe(
          'running',
        );
        const ms = (await call('GET', `/v1/instances/${i.id}/migrations`)) as {
          items: MigrationOut[];
        };
        expect(ms.items).toHaveLength(1);
        expect(ms.items[0]).toMatchObject({ state: 'done', source: 'hv-a', target: 'hv-b' });
        moves.push(...ms.items);
      }
      // maxParallel 1: the second migration started after the first one ended.
      const [first, second] = [...moves].sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
      expect(Date.parse(second?.createdAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(first?.finishedAt ?? ''),
      );
      expect(libvirt.domains(libvirtUri('hv-a')).size).toBe(0);

      // Its owner deletes the one that cannot move: the drain ends, the host empty and cordoned.
      await call('DELETE', `/v1/instances/${held.id}`, undefined, 204);
      const drained = await wait('the drain to end', async () => {
        const d = (await call('GET', '/v1/hosts/hv-a/drain')) as DrainOut;
        return d.state === 'drained' ? d : null;
      });
      expect(drained.blocked).toEqual([]);
      expect(drained.message).toContain('ready for maintenance');
      const host = (await call('GET', '/v1/hosts/hv-a')) as {
        cordon: { reason: string } | null;
        drain: DrainOut | null;
      };
      expect(host.cordon?.reason).toBe('kernel update');
      expect(host.drain?.state).toBe('drained');
      const events = (await call('GET', '/v1/events?host=hv-a&limit=1000')) as {
        items: { kind: string; data: { state?: string } }[];
      };
      expect(events.items.filter((e) => e.kind === 'host-drain').map((e) => e.data.state)).toEqual([
        'draining',
        'stuck',
        'drained',
      ]);
      const audit = (await call('GET', '/v1/audit?object=host:hv-a')) as {
        items: { action: string }[];
      };
      expect(audit.items.map((a) => a.action)).toContain('host.drain');
      expect(fleet.logs).toEqual([]);
    } finally {
      await fleet.close();
    }
  }, 600_000);
});
