import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness, type Json } from '../testing/controller-harness.js';
import {
  applyDesired,
  basicCatalog,
  joinHost,
  reportHost,
  SIM_IMAGES,
} from '../testing/fleet-sim.js';

/** docs/security.md, "Domains and images": what a tenant's boot may make a host do. */
let h: Harness;
let tenant = '';
let trusted = '';
let agent = '';
beforeAll(async () => {
  // Short, so the refusal of an image the host never reports does not hold the suite long.
  h = await startHarness('pglite', { imageReportWaitMs: 2_000 });
  await basicCatalog(h, 4);
  agent = await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
  tenant = await h.token('tenant', { tenant: 'acme' });
  const t = await h.call('POST', '/v1/tokens', h.admin, {
    name: 'ops',
    role: 'admin',
    domainPolicy: 'trusted',
  });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  expect(t.body).toMatchObject({ domainPolicy: 'trusted' });
  trusted = String(t.body.token);
}, 60_000);
afterAll(() => h.close());

const HOSTILE = `<domain type="kvm" xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
  <os><type>hvm</type><loader>/tmp/evil.fd</loader></os>
  <devices>
    <disk type="file" device="disk"><source file="/etc/shadow"/><target dev="vdb"/></disk>
    <disk type="block" device="disk"><source dev="/dev/sda"/><target dev="vdc"/></disk>
    <filesystem type="mount"><source dir="/"/><target dir="host"/></filesystem>
    <hostdev mode="subsystem" type="pci" managed="yes"><source><address domain="0" bus="0x99" slot="0" function="0"/></source></hostdev>
    <serial type="file"><source path="/etc/cron.d/evil"/></serial>
  </devices>
  <qemu:commandline><qemu:arg value="-readconfig"/></qemu:commandline>
</domain>`;

const request = (boot: Json, name = 'vm') => ({
  name,
  vcpus: 1,
  memoryMb: 256,
  tenant: 'acme',
  ports: [{ network: 'blue' }],
  boot,
});
/** Free VFs; `clean`: only those never claimed since the agent's last reset. */
const freeVfs = async (clean = false) => {
  const d = (await h.call('GET', '/v1/hosts/node1', h.admin)).body as unknown as {
    pfs: { vfs: { state: string; dirty: boolean }[] }[];
  };
  const vfs = d.pfs.flatMap((p) => p.vfs);
  return vfs.filter((v) => v.state === 'free' && !(clean && v.dirty)).length;
};
const nothingLeft = async (free: number, clean: number | null) => {
  expect((await h.call('GET', '/v1/instances', h.admin)).body).toEqual({
    items: [],
    nextCursor: null,
  });
  expect((await h.call('GET', '/v1/ports', h.admin)).body).toEqual({ items: [], nextCursor: null });
  expect(await freeVfs()).toBe(free);
  // Refused before the claim: not even a VF to reset.
  if (clean !== null) expect(await freeVfs(true)).toBe(clean);
};
const desired = async () =>
  (await h.call('GET', '/v1/agent/hosts/node1/desired', h.admin)).body as unknown as {
    domains: { instanceId: string; xml: string | null; policy: string }[];
  };

describe('a tenant-policy token', () => {
  it('gets 400 naming boot.domainXml for each hostile element, and nothing is claimed', async () => {
    const [free, clean] = [await freeVfs(), await freeVfs(true)];
    const r = await h.call('POST', '/v1/instances', tenant, request({ domainXml: HOSTILE }));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'boot.domainXml' } });
    const reasons = (r.body.details as { problems: { reason: string }[] }).problems.map(
      (p) => p.reason.split(':')[0],
    );
    expect(reasons).toEqual(
      expect.arrayContaining([
        '/domain',
        '/domain/os/loader',
        '/domain/devices/disk[1]',
        '/domain/devices/disk[2]',
        '/domain/devices/filesystem',
        '/domain/devices/hostdev',
        '/domain/devices/serial',
        '/domain/qemu',
      ]),
    );
    await nothingLeft(free, clean);
  });

  it.each([
    ['a host path', '/etc/shadow'],
    ['a path out of the store', '../x.qcow2'],
    // Known only once the host is chosen, and still checked before its claim.
    ['an image the host does not have', 'other.qcow2'],
  ])('gets 400 for %s as image, and nothing is claimed', async (_what, image) => {
    const field = 'boot.image';
    const [free, clean] = [await freeVfs(), await freeVfs(true)];
    const r = await h.call('POST', '/v1/instances', tenant, request({ image }));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
    await nothingLeft(free, clean);
  });

  it.each([
    ['a host bridge', { vnicType: 'normal', bridge: 'br-mgmt' }, 'ports[0].bridge'],
    [
      'a libvirt network',
      { vnicType: 'normal', libvirtNetwork: 'vf-pool' },
      'ports[0].libvirtNetwork',
    ],
    ['a standby bridge', { standby: { bridge: 'br-mgmt' } }, 'ports[0].standby.bridge'],
    [
      'a standby network',
      { standby: { libvirtNetwork: 'vf-pool' } },
      'ports[0].standby.libvirtNetwork',
    ],
  ])('gets 400 for %s not offered to tenants, before any claim', async (_what, port, field) => {
    const [free, clean] = [await freeVfs(), await freeVfs(true)];
    const body = { ...request({ image: 'vm.qcow2' }), ports: [{ network: 'blue', ...port }] };
    const r = await h.call('POST', '/v1/instances', tenant, body);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
    expect(String(r.body.message)).toMatch(/not offered to tenants/);
    await nothingLeft(free, clean);
  });

  it("may use libvirt's default network, which is offered unless the operator says otherwise", async () => {
    const ports = [{ network: 'blue', vnicType: 'normal', libvirtNetwork: 'default' }];
    const r = await h.call('POST', '/v1/instances', tenant, {
      ...request({ image: 'vm.qcow2' }, 'nat'),
      ports,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await h.call('DELETE', `/v1/instances/${String(r.body.id)}`, h.admin)).status).toBe(
      202,
    );
  });

  it('is told which images the host has', async () => {
    const r = await h.call('POST', '/v1/instances', tenant, request({ image: 'nope.qcow2' }));
    expect(String(r.body.message)).toMatch(
      /no image "nope.qcow2" on host node1: it has vm.qcow2, vm.raw/,
    );
    expect(r.body).toMatchObject({ details: { images: ['vm.qcow2', 'vm.raw'] } });
  });

  it("waits for the host's next report when an image was copied into its store just before", async () => {
    const node1 = { name: 'node1', pfs: 1, vfsPerPf: 4 };
    const fresh = { name: 'fresh.qcow2', format: 'qcow2', sizeBytes: 1 << 20 };
    const post = { settled: false, waiting: false };
    const wait = h.deps.feed.wait.bind(h.deps.feed);
    const spy = vi.spyOn(h.deps.feed, 'wait').mockImplementation((key, ms, signal) => {
      if (key === 'node1') post.waiting = true;
      return wait(key, ms, signal);
    });
    const boot = h
      .call('POST', '/v1/instances', tenant, request({ image: 'fresh.qcow2' }, 'fresh'))
      .finally(() => (post.settled = true));
    // The agent reports the new image only once the boot has looked and waits for a report.
    while (!post.settled && !post.waiting) await new Promise((r) => setTimeout(r, 20));
    spy.mockRestore();
    // It waits before its transaction: nothing is claimed meanwhile.
    const claimed = (await h.call('GET', '/v1/instances', h.admin)).body.items as Json[];
    expect(claimed.some((i) => i.name === 'fresh')).toBe(false);
    await reportHost(h, agent, {
      ...node1,
      images: { ...SIM_IMAGES, images: [...SIM_IMAGES.images, fresh] },
    });
    const r = await boot;
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await h.call('DELETE', `/v1/instances/${String(r.body.id)}`, h.admin)).status).toBe(
      202,
    );
    await reportHost(h, agent, node1);
    await applyDesired(h, agent, 'node1');
  });

  it('boots its own XML with an image: format as reported, forced seclabel, policy recorded', async () => {
    const xml = `<domain type="kvm"><os><type>hvm</type></os><seclabel type="none"/><devices><rng model="virtio"><backend model="random">/dev/urandom</backend></rng></devices></domain>`;
    const r = await h.call(
      'POST',
      '/v1/instances',
      tenant,
      request({ domainXml: xml.replace('<seclabel type="none"/>', ''), image: 'vm.raw' }, 'ok'),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = String(r.body.id);
    const shown = (await h.call('GET', `/v1/instances/${id}`, tenant)).body;
    expect(shown).toMatchObject({ vm: { domainPolicy: 'tenant' } });
    const dom = (await desired()).domains.find((d) => d.instanceId === id);
    expect(dom?.policy).toBe('tenant');
    expect(dom?.xml).toContain('<driver name="qemu" type="raw"/>');
    expect(dom?.xml).toContain('<source file="/var/lib/vfleet/images/vm.raw"/>');
    expect(dom?.xml).toContain('<seclabel type="dynamic" relabel="yes"/>');
    expect((await h.call('DELETE', `/v1/instances/${id}`, h.admin)).status).toBe(202);
  });

  it('refuses a format the image does not have', async () => {
    const r = await h.call(
      'POST',
      '/v1/instances',
      tenant,
      request({ image: 'vm.raw', imageFormat: 'qcow2' }, 'fmt'),
    );
    expect(r.body).toMatchObject({ details: { field: 'boot.imageFormat' } });
  });
});

describe('a token an admin made trusted', () => {
  it('may give any domain XML and a host path; its instance says so', async () => {
    // The agent resets the VFs that refused boots gave back.
    await applyDesired(h, agent, 'node1');
    const r = await h.call(
      'POST',
      '/v1/instances',
      trusted,
      request(
        { domainXml: HOSTILE.replace('bus="0x99"', 'bus="0x98"'), image: '/srv/x.img' },
        'ops',
      ),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = String(r.body.id);
    const dom = (await desired()).domains.find((d) => d.instanceId === id);
    expect(dom?.policy).toBe('trusted');
    expect(dom?.xml).toContain('<qemu:commandline>');
    expect(dom?.xml).toContain('<source file="/srv/x.img"/>');
    expect(dom?.xml).not.toContain('seclabel type="dynamic"');
  });

  it('may attach to any host bridge', async () => {
    const r = await h.call('POST', '/v1/instances', trusted, {
      ...request({ image: 'vm.qcow2' }, 'ops-br'),
      ports: [{ network: 'blue', vnicType: 'normal', bridge: 'br-mgmt' }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const dom = (await desired()).domains.find((d) => d.instanceId === String(r.body.id));
    expect(dom?.xml).toContain('<source bridge="br-mgmt"/>');
  });

  it('is only ever made by an admin, and never for an agent', async () => {
    const byTenant = await h.call('POST', '/v1/tokens', tenant, {
      name: 'sneaky',
      role: 'tenant',
      tenant: 'acme',
      domainPolicy: 'trusted',
    });
    expect(byTenant.status).toBe(403);
    const agent = await h.call('POST', '/v1/tokens', h.admin, {
      name: 'a1',
      role: 'agent',
      host: 'node1',
      domainPolicy: 'trusted',
    });
    expect(agent.body).toMatchObject({ details: { field: 'domainPolicy' } });
    const list = (
      (await h.call('GET', '/v1/tokens', h.admin)).body as unknown as {
        items: { name: string; domainPolicy: string }[];
      }
    ).items;
    expect(list.find((t) => t.name === 'ops')?.domainPolicy).toBe('trusted');
    expect(list.filter((t) => t.name !== 'ops').every((t) => t.domainPolicy === 'tenant')).toBe(
      true,
    );
  });
});
