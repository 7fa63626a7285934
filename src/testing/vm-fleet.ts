import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createNodeImageFs } from '../adapters/host-fs/node-image-fs.js';
import { createSeedIsoStore } from '../adapters/host-fs/seed-iso-store.js';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { createVirshDriver } from '../adapters/virsh/virsh-driver.js';
import {
  createRenderOnlyDriver,
  type RenderOnlyDriver,
} from '../core/libvirt/render-only-driver.js';
import type { ImageStore } from '../agent/image-store.js';
import { igbHost, startTestController, until, type AgentHost } from './e2e-kit.js';
import { FakeLibvirt } from './fake-libvirt.js';
import type { FleetApi } from './fleet-sim.js';
import type { StoreKind } from './store-targets.js';

export const libvirtUri = (host: string) => `qemu+ssh://${host}/system`;

/** The image directory of every VM fleet host. */
export const VM_IMAGE_DIR = '/var/lib/vfleet/images';
/** Where every VM fleet host's agent writes seed ISOs: `vfleet agent --seed-dir`'s default. */
export const VM_SEED_DIR = '/var/lib/vfleet/seeds';

/** A qcow2 header (version 3, no backing file) followed by nothing: enough for the agent. */
export const QCOW2_HEAD = Uint8Array.from([
  0x51,
  0x46,
  0x49,
  0xfb,
  0,
  0,
  0,
  3,
  ...new Array<number>(96).fill(0),
]);

/**
 * An image store below a fixture host's root: web.qcow2, db.qcow2 and
 * tap.qcow2, and `escape`, a link to a file outside the directory; seeds
 * go to VM_SEED_DIR (made when the first is written).
 */
export async function imageStoreOn(root: string): Promise<ImageStore> {
  const dir = join(root, VM_IMAGE_DIR);
  await mkdir(dir, { recursive: true });
  for (const name of ['web.qcow2', 'db.qcow2', 'tap.qcow2'])
    await writeFile(join(dir, name), QCOW2_HEAD);
  // Outside the image directory (not in /etc: the doctor reads the fixture's /etc).
  await mkdir(join(root, 'srv'), { recursive: true });
  await writeFile(join(root, 'srv/secret'), 'not for guests\n');
  await symlink('/srv/secret', join(dir, 'escape'));
  return { dir: VM_IMAGE_DIR, fs: createNodeImageFs(root), seedDir: VM_SEED_DIR };
}

export interface VfView {
  index: number;
  pciAddress: string;
  state: string;
  dirty: boolean;
}

/**
 * A controller over HTTP with two fixture hosts whose agents drive one
 * FakeLibvirt world through the real virsh driver: hv-a (rack r1, NUMA
 * node 0, CPUs 0-3) and hv-b (rack r2, node 1, CPUs 4-7), each an igb PF
 * with 4 VFs on physnet p1, and tenant acme's network blue (VLAN 120).
 */
export interface VmFleet {
  readonly url: string;
  readonly api: FleetApi;
  readonly libvirt: FakeLibvirt;
  /** The fixture hosts by name (their kernel, `ip` state and image store). */
  readonly hosts: ReadonlyMap<string, AgentHost>;
  /** With `hypervisor: 'render-only'`: each host's render-only driver (what its agent defined). */
  readonly renderOnly: ReadonlyMap<string, RenderOnlyDriver>;
  /** Agent and controller log lines: an end-to-end run should leave none. */
  readonly logs: string[];
  vfsOf(host: string): Promise<VfView[]>;
  close(): Promise<void>;
}

export interface VmFleetOptions {
  /** `render-only`: both hosts without libvirt, as the lab guests are (no migration URI). */
  readonly hypervisor?: 'virsh' | 'render-only';
}

export async function startVmFleet(kind: StoreKind, o: VmFleetOptions = {}): Promise<VmFleet> {
  // The operator offers br0 to tenants (the standby NICs of failover pairs).
  const ctl = await startTestController(kind, {
    tenantPortSources: { bridges: ['br0'], libvirtNetworks: ['default'] },
  });
  const { api } = ctl;
  const hosts = [
    { name: 'hv-a', rack: 'r1', ...(await igbHost('hv-a', '0000:3b:00.0', 0)) },
    { name: 'hv-b', rack: 'r2', ...(await igbHost('hv-b', '0000:5e:00.0', 1)) },
  ];
  const libvirt = new FakeLibvirt(hosts.map((h) => libvirtUri(h.name)));
  const renderOnly = new Map<string, RenderOnlyDriver>();
  const close = async () => {
    await ctl.close();
    for (const h of hosts) await h.fixture.cleanup();
  };
  const vfsOf = async (host: string): Promise<VfView[]> => {
    const r = await api.call('GET', `/v1/hosts/${host}`, api.admin);
    return r.status === 200 ? ((r.body.pfs as { vfs: VfView[] }[])[0]?.vfs ?? []) : [];
  };
  try {
    for (const h of hosts) {
      const uri = libvirtUri(h.name);
      const renderer = createRenderOnlyDriver();
      if (o.hypervisor === 'render-only') renderOnly.set(h.name, renderer);
      await ctl.startAgent(h.name, h, {
        labels: { rack: h.rack },
        hypervisor:
          o.hypervisor === 'render-only'
            ? { driver: renderer, migrationUri: null, reason: 'no libvirt on this test host' }
            : {
                driver: createVirshDriver(libvirt.runner(uri), { uri }),
                migrationUri: uri,
                reason: null,
              },
        images: await imageStoreOn(h.fixture.root),
        // The real genisoimage: the seed CD-ROMs land below each fixture host's root.
        seeds: createSeedIsoStore(createExecRunner({ path: process.env.PATH }), h.fixture.root),
      });
    }
    const catalog: [string, unknown][] = [
      ['/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] }],
      ['/v1/specs', { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: 4 }],
      ['/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme', vlan: 120 }],
    ];
    for (const [path, body] of catalog) {
      const r = await api.call('POST', path, api.admin, body);
      if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    for (const h of hosts) {
      let last = 'not seen';
      // Two agents applying a spec each: a busy machine takes longer than a quiet one.
      await until(
        `${h.name} ready with 4 VFs`,
        async () => {
          const r = await api.call('GET', `/v1/hosts/${h.name}`, api.admin);
          const vfs = r.status === 200 ? (await vfsOf(h.name)).length : 0;
          last = `HTTP ${String(r.status)}, ready ${String(r.body.ready)}, ${String(vfs)} VFs`;
          return r.status === 200 && r.body.ready === true && vfs === 4;
        },
        90_000,
      ).catch((e: unknown) => {
        throw new Error(`${String(e)}; last: ${last}`);
      });
    }
  } catch (e) {
    await close();
    // What the agents said is the first thing to read when a fleet does not come up.
    throw new Error(`${String(e)}; logs: ${ctl.logs.slice(-20).join(' | ') || 'none'}`);
  }
  const byName = new Map(hosts.map((h) => [h.name, h]));
  return { url: ctl.url, api, libvirt, hosts: byName, renderOnly, logs: ctl.logs, vfsOf, close };
}
