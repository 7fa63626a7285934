import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { createSeedIsoStore } from '../adapters/host-fs/seed-iso-store.js';
import { createVirshDriver } from '../adapters/virsh/virsh-driver.js';
import type { GuestSeed } from '../core/libvirt/seed-disk.js';
import { exampleInstance, exampleNormal } from '../core/libvirt/domain-request-examples.js';
import type { HypervisorDriver } from '../core/libvirt/hypervisor-driver.js';
import { renderDomainXml } from '../core/libvirt/render-domain.js';
import { createRenderOnlyDriver } from '../core/libvirt/render-only-driver.js';
import { seedIsoPath } from '../core/libvirt/seed-disk.js';
import { FakeLibvirt } from '../testing/fake-libvirt.js';
import { imageStoreOn, VM_IMAGE_DIR, VM_SEED_DIR } from '../testing/vm-fleet.js';
import { createDomainGuard } from './domain-guard.js';
import { createDomainKeeper, type WantedDomain } from './domain-reconcile.js';
import { createSeedDisks } from './seed-disks.js';

/**
 * The agent keeps each domain's cloud-init seed CD-ROM: written (by the real
 * genisoimage) before the tenant domain policy and image check run and the
 * domain is defined, again only when the seed changed, and removed when the
 * domain leaves the host.
 */
const A = 'qemu+ssh://hv-a/system';
const B = 'qemu+ssh://hv-b/system';
const NAME = 'rtr-1a2b3c4d';
const FILE = seedIsoPath(VM_SEED_DIR, NAME);
const SEED: GuestSeed = {
  metaData: 'instance-id: 1a2b3c4d\n',
  userData: '#cloud-config\n',
  networkConfig: 'version: 2\nethernets: {}\n',
};
const XML = renderDomainXml(
  exampleInstance({
    name: NAME,
    policy: 'tenant',
    seedIso: FILE,
    // A bridge NIC only: the fake libvirt, like libvirt, migrates no guest that holds a VF.
    ports: [exampleNormal()],
    base: { kind: 'template', diskImage: `${VM_IMAGE_DIR}/web.qcow2` },
  }),
).xml;
const want = (over: Partial<WantedDomain> = {}): WantedDomain => ({
  instanceId: 'i-1',
  name: NAME,
  state: 'running',
  xml: XML,
  policy: 'tenant',
  seed: SEED,
  ...over,
});

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

/** A host root with an image store, and a keeper over `driver` with its guard and seeds. */
async function host(driver: HypervisorDriver, path = process.env.PATH) {
  const root = await mkdtemp(join(tmpdir(), 'vfleet-seed-agent-'));
  roots.push(root);
  const images = await imageStoreOn(root);
  const store = createSeedIsoStore(createExecRunner({ path }), root);
  const keeper = createDomainKeeper(
    driver,
    createDomainGuard(images),
    createSeedDisks(VM_SEED_DIR, store),
  );
  const file = join(root, FILE);
  return { root, keeper, file, inode: async () => (await stat(file)).ino };
}

describe("the agent's seed CD-ROMs", () => {
  it('writes the seed before defining, again only when it changed, and removes it with the domain', async () => {
    const libvirt = new FakeLibvirt([A]);
    const h = await host(createVirshDriver(libvirt.runner(A), { uri: A }));
    expect(await h.keeper.reconcile([want()])).toMatchObject([{ state: 'running', message: null }]);
    expect(libvirt.domains(A).get(NAME)?.xml).toBe(XML);
    const first = await h.inode();
    await h.keeper.reconcile([want()]);
    expect(await h.inode()).toBe(first);
    // The same XML with another seed: the file is new, the definition is not.
    const defines = () => libvirt.calls.filter((c) => c.argv[0] === 'define').length;
    const before = defines();
    await h.keeper.reconcile([want({ seed: { ...SEED, userData: '#cloud-config\n# v2\n' } })]);
    expect(await h.inode()).not.toBe(first);
    expect(defines()).toBe(before);
    expect(await h.keeper.reconcile([want({ state: 'absent', xml: null })])).toMatchObject([
      { state: 'absent' },
    ]);
    await expect(stat(h.file)).rejects.toThrow(/ENOENT/);
  });

  it('a domain whose seed is not written is never defined', async () => {
    const libvirt = new FakeLibvirt([A]);
    const driver = createVirshDriver(libvirt.runner(A), { uri: A });
    // An agent without a seed folder cannot write it.
    const root = await mkdtemp(join(tmpdir(), 'vfleet-seed-agent-'));
    roots.push(root);
    const bare = createDomainKeeper(driver, createDomainGuard(await imageStoreOn(root)));
    const [r] = await bare.reconcile([want()]);
    expect(r?.state).toBe('failed');
    expect(r?.message).toContain('no seed folder (--seed-dir) for the cloud-init seed');
    // Sent without its seed, the CD-ROM's file (here even its folder) is missing: the guard refuses.
    const h = await host(driver);
    const [g] = await h.keeper.reconcile([want({ seed: undefined })]);
    expect(g?.state).toBe('failed');
    expect(g?.message).toContain(
      `refused: seed CD-ROM the seed folder ${VM_SEED_DIR} does not exist`,
    );
    expect(libvirt.domains(A).has(NAME)).toBe(false);
  });

  it('reports a missing genisoimage as the domain failing, naming the package', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'vfleet-no-genisoimage-'));
    roots.push(bare);
    const libvirt = new FakeLibvirt([A]);
    const h = await host(createVirshDriver(libvirt.runner(A), { uri: A }), bare);
    const [r] = await h.keeper.reconcile([want()]);
    expect(r).toMatchObject({ state: 'failed' });
    expect(r?.message).toContain('genisoimage is not installed');
    expect(r?.message).toContain('Debian package genisoimage');
    expect(libvirt.domains(A).has(NAME)).toBe(false);
  });

  it('a live migration takes the seed off the source', async () => {
    const libvirt = new FakeLibvirt([A, B]);
    const h = await host(createVirshDriver(libvirt.runner(A), { uri: A }));
    await h.keeper.reconcile([want()]);
    await stat(h.file);
    const task = { id: 'm1', op: 'migrate', args: { domain: NAME, targetUri: B } };
    expect(await h.keeper.runTask(task)).toEqual({ ok: true, message: null });
    await expect(stat(h.file)).rejects.toThrow(/ENOENT/);
  });

  it('a render-only move writes the seed on the target before its check, and removes it on the way out', async () => {
    const h = await host(createRenderOnlyDriver());
    const define = {
      id: 't1',
      op: 'define-domain',
      args: { domain: NAME, xml: XML, instanceId: 'i-1', policy: 'tenant', seed: SEED },
    };
    expect(await h.keeper.runTask(define)).toEqual({ ok: true, message: null });
    await stat(h.file);
    const leave = { id: 't2', op: 'undefine-domain', args: { domain: NAME } };
    expect(await h.keeper.runTask(leave)).toEqual({ ok: true, message: null });
    await expect(stat(h.file)).rejects.toThrow(/ENOENT/);
    // A seed that is not one is refused before anything is written.
    const bad = { ...define, id: 't3', args: { ...define.args, seed: { metaData: 1 } } };
    expect(await h.keeper.runTask(bad)).toMatchObject({ ok: false });
    await expect(stat(h.file)).rejects.toThrow(/ENOENT/);
  });
});
