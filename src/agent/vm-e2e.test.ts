import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../testing/e2e-kit.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { libvirtUri, startVmFleet, VM_SEED_DIR } from '../testing/vm-fleet.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

afterAll(stopPgCluster);

interface PortOut {
  id: string;
  mac: string;
  pciAddress: string | null;
  host: string | null;
}
interface InstanceOut {
  id: string;
  host: string | null;
  ports: PortOut[];
  vm?: { domain: string; state: string | null; desired: string; hypervisor: string | null };
}
interface MigrationOut {
  state: string;
  source: string;
  target: string;
  report: { steps: { id?: string; status?: string }[]; failedStep?: string | null } | null;
}

const MAC = 'fa:16:3e:00:00:01';
/** Each step is several agent round trips (host apply, then libvirt); a busy CI machine is slow. */
const wait = <T>(what: string, probe: () => Promise<T | null | undefined | false>) =>
  until(what, probe, 180_000);

describe.each(STORE_KINDS)(
  'instances booted, migrated and deleted through agents, on %s',
  (kind) => {
    it('boot defines and starts the domain; migrate moves it with a new VF; delete removes it before the VFs are reset', async () => {
      const fleet = await startVmFleet(kind);
      const { api, libvirt } = fleet;
      const vfsOf = (host: string) => fleet.vfsOf(host);
      const uri = libvirtUri;
      const seedOn = (host: string, file: string) =>
        stat(join(fleet.hosts.get(host)?.fixture.root ?? '/nowhere', file)).then(
          (s) => s.isFile(),
          () => false,
        );
      const get = async <T>(path: string): Promise<T> => {
        const r = await api.call('GET', path, api.admin);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r.body as unknown as T;
      };
      const must = async (path: string, body: unknown, status = 201) => {
        const r = await api.call('POST', path, api.admin, body);
        expect(r.status, JSON.stringify(r.body)).toBe(status);
        return r.body;
      };
      try {
        // The host says how its agent runs domains: virsh, reached at the URI others migrate to.
        expect((await get<{ hypervisor: unknown }>('/v1/hosts/hv-a')).hypervisor).toEqual({
          kind: 'virsh',
          virtType: null,
          migrationUri: uri('hv-a'),
          reason: null,
        });
        // A port no VF here can serve (macvtap needs a netdev; these VFs are vfio-bound) is
        // refused by the scheduler, before any claim or agent.
        const bad = await api.call('POST', '/v1/instances', api.admin, {
          name: 'tap',
          vcpus: 1,
          memoryMb: 512,
          tenant: 'acme',
          ports: [{ network: 'blue', vnicType: 'macvtap' }],
          boot: { image: 'tap.qcow2' },
        });
        expect(bad.status, JSON.stringify(bad.body)).toBe(409);
        expect(bad.body).toMatchObject({ code: 'NO_CAPACITY' });
        expect(String(bad.body.message)).toContain('with a kernel netdev (macvtap');
        expect((await get<{ items: InstanceOut[] }>('/v1/instances')).items.length).toBe(0);

        // Boot on rack r1 (hv-a, NUMA node 0, CPUs 0-3) with a failover standby on br0.
        const inst = (await must('/v1/instances', {
          name: 'web',
          vcpus: 2,
          memoryMb: 1024,
          tenant: 'acme',
          numaPolicy: 'required',
          hostLabels: { rack: 'r1' },
          ports: [{ network: 'blue', mac: MAC, standby: { bridge: 'br0' } }],
          // With a cloud-init seed: its agent writes the CD-ROM the domain names.
          boot: { image: 'web.qcow2', guestConfig: 'router' },
        })) as unknown as InstanceOut;
        expect(inst.host).toBe('hv-a');
        const path = `/v1/instances/${inst.id}`;
        const running = await wait('the domain to run on hv-a', async () => {
          const i = await get<InstanceOut>(path);
          return i.vm?.state === 'running' ? i : null;
        });
        const name = running.vm?.domain ?? '?';
        const onA = libvirt.domains(uri('hv-a')).get(name);
        expect(onA?.state).toBe('running');
        const xml = await get<{ xml: string }>(`${path}/xml`);
        // What `instance xml` prints is exactly what the agent defined.
        expect(onA?.xml).toBe(xml.xml);
        const [bus, slot, fn] = (inst.ports[0]?.pciAddress ?? '').split(/[:.]/).slice(1);
        expect(xml.xml).toContain(
          `bus="0x${bus ?? ''}" slot="0x${slot ?? ''}" function="0x${fn ?? ''}"`,
        );
        expect(xml.xml).toContain(`<mac address="${MAC}"/>`);
        expect(xml.xml).toContain('<tag id="120"/>');
        expect(xml.xml).toContain('<vcpupin vcpu="0" cpuset="0-3"/>');
        expect(xml.xml).toContain('<teaming type="persistent"/>');
        // In the agent's seed folder, apart from its image store.
        const seed = `${VM_SEED_DIR}/${name}.iso`;
        expect(xml.xml).toContain(`<source file="${seed}" startupPolicy="requisite"/>`);
        expect(await seedOn('hv-a', seed)).toBe(true);
        const sourceVf = inst.ports[0]?.pciAddress;

        // Live migration to hv-b: detach on A, migrate, attach a VF of B with the same MAC and VLAN.
        const started = (await must(
          `${path}/migrate`,
          { host: 'hv-b' },
          202,
        )) as unknown as MigrationOut;
        expect(started).toMatchObject({ source: 'hv-a', target: 'hv-b', state: 'running' });
        const done = await wait('the migration to end', async () => {
          const [m] = (await get<{ items: MigrationOut[] }>(`${path}/migrations`)).items;
          return m !== undefined && m.state !== 'running' ? m : null;
        });
        expect(done.state, JSON.stringify(done.report)).toBe('done');
        const moved = await get<InstanceOut>(path);
        expect(moved.host).toBe('hv-b');
        const targetVf = moved.ports[0]?.pciAddress ?? '?';
        expect((await vfsOf('hv-b')).map((v) => v.pciAddress)).toContain(targetVf);
        expect(libvirt.domains(uri('hv-a')).has(name)).toBe(false);
        const onB = libvirt.domains(uri('hv-b')).get(name);
        expect(onB?.state).toBe('running');
        const attached = [...(onB?.live.values() ?? [])].find(
          (d) => d.includes(MAC) && d.includes('hostdev'),
        );
        const [tb, ts, tf] = targetVf.split(/[:.]/).slice(1);
        expect(attached).toContain(
          `bus="0x${tb ?? ''}" slot="0x${ts ?? ''}" function="0x${tf ?? ''}"`,
        );
        expect(attached).toContain('<tag id="120"/>');
        const ops = libvirt.calls
          .filter((c) => ['detach-device', 'migrate', 'attach-device'].includes(c.argv[0] ?? ''))
          .map((c) => `${c.argv[0] ?? ''}@${c.uri}`);
        expect(ops).toEqual([
          `detach-device@${uri('hv-a')}`,
          `migrate@${uri('hv-a')}`,
          `attach-device@${uri('hv-b')}`,
        ]);
        // B's agent re-defines the domain for its own devices: pinned on node 1's CPUs.
        await wait('the re-pinned definition on hv-b', () =>
          Promise.resolve(libvirt.domains(uri('hv-b')).get(name)?.xml.includes('cpuset="4-7"')),
        );
        // ...and re-pins the running guest there, next to its new VF.
        await wait('live re-pinning on hv-b', () =>
          Promise.resolve(libvirt.domains(uri('hv-b')).get(name)?.livePins.get('vcpu1') === '4-7'),
        );
        expect(libvirt.domains(uri('hv-b')).get(name)?.livePins.get('emulator')).toBe('4-7');
        // The seed moved with it: written by B's agent, gone from A.
        await wait('the seed on hv-b', () => seedOn('hv-b', seed));
        expect(await seedOn('hv-a', seed)).toBe(false);
        // The source VF goes back to the pool only after A's agent reset it.
        await wait('the source VF free and clean', async () => {
          const v = (await vfsOf('hv-a')).find((x) => x.pciAddress === sourceVf);
          return v?.state === 'free' && !v.dirty;
        });

        // A migration back whose migrate step fails is rolled back: VF re-attached on B, A's hold freed.
        libvirt.failNext(`${uri('hv-b')} migrate`, 'operation failed: injected');
        await must(`${path}/migrate`, { host: 'hv-a' }, 202);
        const back = await wait('the failed migration to end', async () => {
          const [m] = (await get<{ items: MigrationOut[] }>(`${path}/migrations`)).items;
          return m !== undefined && m.state !== 'running' && m.target === 'hv-a' ? m : null;
        });
        expect(back.state).toBe('rolled-back');
        expect(back.report?.failedStep).toBe('migrate');
        expect((await get<InstanceOut>(path)).host).toBe('hv-b');
        expect(
          [...(libvirt.domains(uri('hv-b')).get(name)?.live.values() ?? [])].some(
            (d) => d.includes(MAC) && d.includes('hostdev'),
          ),
        ).toBe(true);
        await wait('hv-a without a held VF', async () =>
          (await vfsOf('hv-a')).every((v) => v.state === 'free'),
        );

        // Delete: 202 while the agent removes the domain, then the instance and its ports are gone.
        const del = await api.call('DELETE', path, api.admin);
        expect(del.status).toBe(202);
        await wait(
          'the instance to be gone',
          async () => (await api.call('GET', path, api.admin)).status === 404,
        );
        expect(libvirt.domains(uri('hv-b')).has(name)).toBe(false);
        expect(await seedOn('hv-b', seed)).toBe(false);
        const undefineAt = libvirt.calls.findIndex((c) => c.argv[0] === 'undefine');
        expect(undefineAt).toBeGreaterThan(0);
        await wait('hv-b VFs free and clean', async () =>
          (await vfsOf('hv-b')).every((v) => v.state === 'free' && !v.dirty),
        );
        // The event log tells the instance's story, in order (docs/controller.md, "Events").
        const story = (await get<{ items: { kind: string }[] }>('/v1/events?limit=1000')).items
          .map((e) => e.kind)
          .filter((k) => k.startsWith('instance-') || k.startsWith('migration-'));
        expect(story).toEqual([
          // The refused boot claimed nothing (one transaction, rolled back): no event.
          'instance-created',
          'instance-booted',
          'migration-started',
          'migration-done',
          'migration-started',
          'migration-rolled-back',
          'instance-deleted',
        ]);
      } finally {
        await fleet.close();
      }
      expect(fleet.logs.join('\n')).toBe('');
    }, 900_000);
  },
);
