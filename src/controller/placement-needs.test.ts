import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type Json } from '../testing/controller-harness.js';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { validateLibvirtXml } from '../adapters/virsh/virt-xml-validate.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';

/**
 * Placement by what the request really needs, through the API and the
 * store's claim: a macvtap port only on a VF with a kernel netdev, and a
 * `required` NUMA policy on a single-node host whose PCI devices report
 * numa_node -1.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness('pglite');
  await basicCatalog(h, 2);
  // Fuller hosts first for pack: the vfio host is the one the weigher prefers.
  await joinHost(h, { name: 'vfio1', pfs: 1, vfsPerPf: 2, vfDriver: 'vfio-pci' });
  await joinHost(h, { name: 'kern1', pfs: 2, vfsPerPf: 2, vfDriver: 'igbvf' }, 0x20);
}, 60_000);
afterAll(() => h.close());

const runner = createExecRunner({ path: process.env.PATH });

const create = (name: string, port: Json, over: Json = {}) =>
  h.call('POST', '/v1/instances', h.admin, {
    name,
    vcpus: 1,
    memoryMb: 256,
    numaPolicy: 'preferred',
    tenant: 'acme',
    hostLabels: {},
    ports: [{ network: 'blue', ...port }],
    ...over,
  });

const freeOn = async (host: string) => {
  const d = (await h.call('GET', `/v1/hosts/${host}`, h.admin)).body as unknown as {
    pfs: { vfs: { state: string; netdev: string | null }[] }[];
  };
  return d.pfs.flatMap((p) => p.vfs).filter((v) => v.state === 'free');
};

describe('a port chooses its VF by what its vNIC type needs', () => {
  it('puts macvtap ports only on VFs with a kernel netdev, and refuses when none is left', async () => {
    const held: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await create(`mv${i}`, { vnicType: 'macvtap' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.host).toBe('kern1');
      held.push(String(r.body.id));
    }
    expect(await freeOn('kern1')).toEqual([]);
    const vfioFree = (await freeOn('vfio1')).length;
    const r = await create('mv4', { vnicType: 'macvtap' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'NO_CAPACITY' });
    expect(r.body.message).toContain(
      '1 free VF(s) with a kernel netdev (macvtap; not bound to vfio-pci)',
    );
    expect(r.body.message).toContain('2 short of matching free VFs');
    // Refused before any claim: the vfio host's VFs are untouched.
    expect((await freeOn('vfio1')).length).toBe(vfioFree);
    // A direct port still fits the vfio host.
    const d = await create('d0', { vnicType: 'direct' });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(d.body.host).toBe('vfio1');
    for (const id of [...held, String(d.body.id)])
      expect((await h.call('DELETE', `/v1/instances/${id}`, h.admin)).status).toBe(204);
  });
});

describe('a vdpa port', () => {
  it('is placed only on a VF with a vDPA device, and such VFs serve no other port', async () => {
    await joinHost(
      h,
      { name: 'vdpa1', pfs: 1, vfsPerPf: 2, vfDriver: 'igbvf', vdpa: true, labels: { r: 'v' } },
      0x40,
    );
    const shown = (await h.call('GET', '/v1/hosts/vdpa1', h.admin)).body as unknown as {
      pfs: { eswitchMode: string | null; vfs: { vdpaDev: string | null; representor: null }[] }[];
    };
    expect(shown.pfs[0]?.vfs.map((v) => v.vdpaDev)).toEqual([
      '/dev/vhost-vdpa-0',
      '/dev/vhost-vdpa-1',
    ]);
    const onV = { hostLabels: { r: 'v' } };
    const r = await create('vd0', { vnicType: 'vdpa' }, onV);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.host).toBe('vdpa1');
    const id = String(r.body.id);

    // The other VF has a vDPA device too: a direct or macvtap port does not take it.
    for (const vnicType of ['direct', 'macvtap']) {
      const no = await create(`x-${vnicType}`, { vnicType }, onV);
      expect(no.status, JSON.stringify(no.body)).toBe(409);
      expect(no.body).toMatchObject({ code: 'NO_CAPACITY' });
    }
    // The second takes the other VF; a third finds none anywhere, and is told what it needs.
    const r1 = await create('vd1', { vnicType: 'vdpa' });
    expect(r1.status, JSON.stringify(r1.body)).toBe(201);
    expect(r1.body.host).toBe('vdpa1');
    const none = await create('vd2', { vnicType: 'vdpa' });
    expect(none.status).toBe(409);
    expect(String(none.body.message)).toContain('with a vDPA device');
    for (const x of [id, String(r1.body.id)])
      expect((await h.call('DELETE', `/v1/instances/${x}`, h.admin)).status).toBe(204);
  });
});

describe('a vdpa port on a network with a VLAN', () => {
  it('boots: the agent sets the VLAN on the VF, the domain carries no <vlan>', async () => {
    const agent = await joinHost(
      h,
      { name: 'vdpa2', pfs: 1, vfsPerPf: 1, vfDriver: 'igbvf', vdpa: true, labels: { r: 'v2' } },
      0x50,
    );
    const r = await create(
      'vdv',
      { vnicType: 'vdpa' },
      { hostLabels: { r: 'v2' }, boot: { image: 'vm.qcow2' } },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = String(r.body.id);
    const port = (r.body.ports as { vlan: number; mac: string; pciAddress: string }[])[0];
    expect(port?.vlan).toBe(100);
    const shown = await h.call('GET', `/v1/instances/${id}/xml`, h.admin);
    expect(shown.status, JSON.stringify(shown.body)).toBe(200);
    const xml = shown.body.xml as string;
    expect(xml).toContain('<interface type="vdpa">');
    expect(xml).toContain('<source dev="/dev/vhost-vdpa-0"/>');
    expect(xml).not.toContain('<vlan');
    const check = await validateLibvirtXml(runner, xml, 'domain');
    expect(check.output).toMatch(/validates$/);
    // The host's declared state tags the VF, as for a hostdev port.
    const desired = await h.call('GET', '/v1/agent/hosts/vdpa2/desired', agent);
    const state = desired.body.state as { pfs: { vfs: Json[] }[] };
    expect(state.pfs[0]?.vfs[0]).toMatchObject({ index: 0, mac: port?.mac, vlan: 100 });
    // A booted instance goes once its agent took the domain down: accepted, not yet gone.
    expect((await h.call('DELETE', `/v1/instances/${id}`, h.admin)).status).toBe(202);
  });
});

describe('a single-node host whose PCI devices report numa_node -1', () => {
  it('takes a required request, NUMA-local to its only node', async () => {
    await joinHost(
      h,
      { name: 'single', pfs: 1, vfsPerPf: 2, numaNodes: 1, pfNuma: () => null, labels: { r: 's' } },
      0x30,
    );
    const r = await create(
      'numa1',
      { vnicType: 'direct' },
      { numaPolicy: 'required', hostLabels: { r: 's' }, boot: { image: 'vm.qcow2' } },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ host: 'single', numaNode: 0 });
    // Rendered pinned to that node: the renderer, too, takes the device as local to it.
    const xml = await h.call('GET', `/v1/instances/${String(r.body.id)}/xml`, h.admin);
    expect(xml.status, JSON.stringify(xml.body)).toBe(200);
    expect(String(xml.body.xml)).toContain('<memory mode="strict" nodeset="0"/>');
    expect(String(xml.body.xml)).toContain('<vcpupin vcpu="0" cpuset="0-15"/>');
  });
});
