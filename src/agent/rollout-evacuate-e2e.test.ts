import { describe, expect, it } from 'vitest';
import { until } from '../testing/e2e-kit.js';
import { libvirtUri, startVmFleet } from '../testing/vm-fleet.js';

interface InstanceOut {
  id: string;
  host: string | null;
  vm?: { domain: string; state: string | null };
}
interface RolloutOut {
  state: string;
  message: string | null;
  hosts: { host: string; state: string; wave: number | null }[];
}

const wait = <T>(what: string, probe: () => Promise<T | null | undefined | false>) =>
  until(what, probe, 300_000);

describe('a rollout that evacuates, through real agents', () => {
  it('live-migrates the instance off each host before its VFs are recreated, and ends with both hosts updated', async () => {
    const fleet = await startVmFleet('pglite');
    const { api, libvirt } = fleet;
    const call = async (method: string, path: string, body?: unknown, status = 200) => {
      const r = await api.call(method, path, api.admin, body);
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
      return r.body as Record<string, unknown>;
    };
    try {
      // Placed on hv-a, the first host of the rollout: it moves twice.
      await call('POST', '/v1/hosts/hv-b/cordon', {});
      const web = (await call(
        'POST',
        '/v1/instances',
        {
          name: 'web',
          vcpus: 1,
          memoryMb: 512,
          tenant: 'acme',
          hostLabels: {},
          ports: [{ network: 'blue' }],
          boot: { image: 'web.qcow2' },
        },
        201,
      )) as unknown as InstanceOut;
      expect(web.host).toBe('hv-a');
      await call('POST', '/v1/hosts/hv-b/uncordon', {});
      await wait('web running', async () => {
        const i = (await call('GET', `/v1/instances/${web.id}`)) as unknown as InstanceOut;
        return i.vm?.state === 'running';
      });
      const spec = ((await call('GET', '/v1/specs')).items as { id: string }[])[0]?.id ?? '';
      // 4 -> 2 VFs recreates every VF of each PF: web's VF with them.
      const patch = await call('PATCH', `/v1/specs/${spec}`, {
        numVfs: 2,
        rollout: { maxUnavailable: 1, canary: 0, evacuate: true },
      });
      const id = String(patch.rollout);
      let last: RolloutOut | null = null;
      // While a host is emptied for its update it is cordoned by the rollout (nothing new lands).
      const cordons = new Set<string>();
      const done = await wait('the rollout to end', async () => {
        const r = (await call('GET', `/v1/rollouts/${id}`)) as unknown as RolloutOut;
        last = r;
        for (const host of ['hv-a', 'hv-b']) {
          const x = (await call('GET', `/v1/hosts/${host}`)) as {
            cordon: { reason: string } | null;
          };
          if (x.cordon !== null) cordons.add(`${host}: ${x.cordon.reason}`);
        }
        return r.state === 'running' ? null : r;
      }).catch((e: unknown) => {
        throw new Error(`${String(e)}; last: ${JSON.stringify(last)}`);
      });
      expect(done.state, JSON.stringify(done)).toBe('done');
      expect([...cordons].sort()).toEqual([
        `hv-a: rollout ${id}: emptied for its update`,
        `hv-b: rollout ${id}: emptied for its update`,
      ]);
      // ...and uncordoned once updated.
      for (const host of ['hv-a', 'hv-b'])
        expect(((await call('GET', `/v1/hosts/${host}`)) as { cordon: unknown }).cordon).toBeNull();
      expect(done.hosts.map((h) => h.state)).toEqual(['done', 'done']);
      // Off hv-a before hv-a's VFs were recreated, then off hv-b before its turn: back on
      // hv-a, updated first. Newest first:
      const migrations = (await call('GET', `/v1/instances/${web.id}/migrations`)) as {
        items: { state: string; source: string; target: string }[];
      };
      expect(migrations.items.map((m) => [m.source, m.target, m.state])).toEqual([
        ['hv-b', 'hv-a', 'done'],
        ['hv-a', 'hv-b', 'done'],
      ]);
      const now = (await call('GET', `/v1/instances/${web.id}`)) as unknown as InstanceOut;
      expect(now).toMatchObject({ host: 'hv-a', vm: { state: 'running' } });
      expect(libvirt.domains(libvirtUri(now.host ?? '?')).get(now.vm?.domain ?? '?')?.state).toBe(
        'running',
      );
      // Each host's kernel made the new count: its agent applied and reported it.
      for (const host of ['hv-a', 'hv-b'])
        await wait(`${host} with 2 VFs`, async () => {
          const x = (await call('GET', `/v1/hosts/${host}`)) as {
            ready: boolean;
            pfs: { numVfs: number }[];
          };
          return x.ready && x.pfs[0]?.numVfs === 2;
        });
      expect(fleet.logs).toEqual([]);
    } finally {
      await fleet.close();
    }
  }, 600_000);
});
