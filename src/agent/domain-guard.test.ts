import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirshDriver } from '../adapters/virsh/virsh-driver.js';
import { renderDeviceXml, renderDomainXml } from '../core/libvirt/render-domain.js';
import type { DomainPolicy, DomainRequest } from '../core/libvirt/domain-request.js';
import { exampleDirect, exampleInstance } from '../core/libvirt/domain-request-examples.js';
import { FakeLibvirt } from '../testing/fake-libvirt.js';
import { imageStoreOn, VM_IMAGE_DIR } from '../testing/vm-fleet.js';
import { createDomainGuard } from './domain-guard.js';
import { createDomainKeeper, type WantedDomain } from './domain-reconcile.js';
import type { ImageStore } from './image-store.js';

/**
 * The agent's own check (docs/security.md): a hostile document that reaches
 * the agent without the controller's check is reported failed and never
 * handed to `virsh define`.
 */
const URI = 'qemu+ssh://hv-a/system';
let dir = '';
let store: ImageStore;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-guard-'));
  store = await imageStoreOn(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const HOSTILE = `<domain type="kvm" xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
  <os><type>hvm</type></os>
  <devices><filesystem type="mount"><source dir="/"/><target dir="h"/></filesystem></devices>
  <qemu:commandline><qemu:arg value="-readconfig"/></qemu:commandline>
</domain>`;

const request = (over: Partial<DomainRequest>): DomainRequest =>
  exampleInstance({ name: 'vm-1', ports: [exampleDirect()], policy: 'tenant', ...over });
const want = (xml: string, policy?: DomainPolicy): WantedDomain => ({
  instanceId: 'i-1',
  name: 'vm-1',
  state: 'running',
  xml,
  ...(policy === undefined ? {} : { policy }),
});
const image = (name: string) => ({
  kind: 'template' as const,
  diskImage: `${VM_IMAGE_DIR}/${name}`,
});

async function reconcile(d: WantedDomain) {
  const libvirt = new FakeLibvirt([URI]);
  const keeper = createDomainKeeper(
    createVirshDriver(libvirt.runner(URI), { uri: URI }),
    createDomainGuard(store),
  );
  const [result] = await keeper.reconcile([d]);
  return { result, defined: libvirt.calls.filter((c) => c.argv[0] === 'define').length, libvirt };
}

describe('the agent checks a domain before defining it', () => {
  it('defines a tenant domain as vfleet renders it, on an image of its store', async () => {
    const r = await reconcile(
      want(renderDomainXml(request({ base: image('web.qcow2') })).xml, 'tenant'),
    );
    expect(r.result).toMatchObject({ state: 'running', message: null });
    expect(r.defined).toBe(1);
  });

  it.each([
    ['tenant', 'tenant' as const],
    ['no policy (an older controller)', undefined],
  ])('never defines hostile XML sent with %s', async (_what, policy) => {
    const xml = renderDomainXml(request({ base: { kind: 'xml', xml: HOSTILE } })).xml;
    const r = await reconcile(want(xml, policy));
    expect(r.result?.state).toBe('failed');
    expect(r.result?.message).toMatch(/^refused by the tenant domain policy: \/domain/);
    expect(r.defined).toBe(0);
  });

  it.each([
    ['a link out of the image directory', 'escape', /outside the image directory/],
    ['an image that is not there', 'gone.qcow2', /does not exist/],
  ])('never defines a disk on %s', async (_what, name, why) => {
    const r = await reconcile(want(renderDomainXml(request({ base: image(name) })).xml, 'tenant'));
    expect(r.result?.state).toBe('failed');
    expect(r.result?.message).toMatch(why);
    expect(r.defined).toBe(0);
  });

  it('defines what a trusted token asked for', async () => {
    const xml = renderDomainXml(
      request({ policy: 'trusted', base: { kind: 'xml', xml: HOSTILE } }),
    ).xml;
    const r = await reconcile(want(xml, 'trusted'));
    expect(r.defined).toBe(1);
    expect(r.result?.state).toBe('running');
  });
});

describe('the agent checks a device before hot-plugging it (migration task)', () => {
  const task = (xml: string) => ({
    id: 't-1',
    op: 'attach-device',
    args: { domain: 'vm-1', xml, scope: { live: true, config: true } },
  });
  const keeper = (libvirt: FakeLibvirt) =>
    createDomainKeeper(
      createVirshDriver(libvirt.runner(URI), { uri: URI }),
      createDomainGuard(store),
    );

  it('attaches a port device as vfleet renders it', async () => {
    const libvirt = new FakeLibvirt([URI]);
    const k = keeper(libvirt);
    await k.reconcile([
      want(renderDomainXml(request({ base: image('web.qcow2'), ports: [] })).xml, 'tenant'),
    ]);
    const out = await k.runTask(task(renderDeviceXml(request({}), exampleDirect().id)));
    expect(out).toEqual({ ok: true, message: null });
  });

  it.each([
    ['a filesystem', '<filesystem type="mount"><source dir="/"/><target dir="h"/></filesystem>'],
    [
      'a disk',
      '<disk type="block" device="disk"><source dev="/dev/sda"/><target dev="vdz"/></disk>',
    ],
    [
      'a hostdev without a port alias',
      '<hostdev mode="subsystem" type="pci" managed="yes"><source><address domain="0" bus="0x5e" slot="0" function="0"/></source></hostdev>',
    ],
  ])('refuses %s and never calls attach-device', async (_what, xml) => {
    const libvirt = new FakeLibvirt([URI]);
    const out = await keeper(libvirt).runTask(task(xml));
    expect(out.ok).toBe(false);
    expect(out.message).toMatch(/^refused/);
    expect(libvirt.calls.some((c) => c.argv[0] === 'attach-device')).toBe(false);
  });
});
