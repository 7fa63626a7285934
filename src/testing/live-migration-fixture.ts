import { renderDeviceXml } from '../core/libvirt/render-domain.js';
import type { DomainRequest } from '../core/libvirt/domain-request.js';
import {
  EXAMPLE_HOST_NUMA,
  exampleDirect,
  exampleInstance,
  exampleNormal,
  exampleVf,
} from '../core/libvirt/domain-request-examples.js';
import type {
  LiveMigrationHost,
  MigrationRequest,
} from '../core/migration/live-migration-types.js';
import { FakeLiveMigrationWorld } from './fake-live-migration-world.js';

/**
 * An instance with two direct ports on host a, p1 with a virtio standby
 * (failover pair) and p2 without, plus a metadata NIC; host b has three free
 * VFs, one on NUMA node 1 (the wrong one for policy `required`).
 */
export const HOST_A: LiveMigrationHost = { id: 'a', uri: 'qemu+ssh://a/system' };
export const HOST_B: LiveMigrationHost = { id: 'b', uri: 'qemu+ssh://b/system' };

export const SOURCE_VFS = [
  exampleVf({ pciAddress: '0000:3b:02.1', vfIndex: 1, iommuGroup: 71, numaNode: 0 }),
  exampleVf({ pciAddress: '0000:3b:02.2', vfIndex: 2, iommuGroup: 72, numaNode: 0 }),
] as const;

export const TARGET_VFS = [
  exampleVf({
    pciAddress: '0000:5e:02.0',
    pfIfname: 'ens3f0',
    vfIndex: 0,
    iommuGroup: 90,
    numaNode: 1,
  }),
  exampleVf({
    pciAddress: '0000:5e:02.1',
    pfIfname: 'ens3f0',
    vfIndex: 1,
    iommuGroup: 91,
    numaNode: 0,
  }),
  exampleVf({
    pciAddress: '0000:5e:02.2',
    pfIfname: 'ens3f0',
    vfIndex: 2,
    iommuGroup: 92,
    numaNode: 0,
  }),
] as const;

export function migratingInstance(over: Partial<DomainRequest> = {}): DomainRequest {
  return exampleInstance({
    name: 'vm-mig',
    pinnedCpus: [0, 1, 2, 3],
    ports: [
      exampleDirect({ id: 'p1', mac: 'fa:16:3e:00:00:01', vlan: 2401, vf: SOURCE_VFS[0] }),
      exampleDirect({ id: 'p2', mac: 'fa:16:3e:00:00:02', vlan: 0, vf: SOURCE_VFS[1] }),
      exampleNormal({
        id: 'sb1',
        mac: 'fa:16:3e:00:00:01',
        standbyFor: 'p1',
        source: { kind: 'bridge', bridge: 'br-mig' },
      }),
      exampleNormal(),
    ],
    ...over,
  });
}

export function migrationRequest(instance = migratingInstance()): MigrationRequest {
  return { instance, source: HOST_A, target: HOST_B, targetNuma: EXAMPLE_HOST_NUMA };
}

/** The world before the migration: the instance running on a with its VFs. */
export function worldFor(instance: DomainRequest): FakeLiveMigrationWorld {
  const hosts = new Map([HOST_A, HOST_B].map((h) => [h.uri, h.id]));
  const w = new FakeLiveMigrationWorld(instance.name, (uri) => hosts.get(uri) ?? `? ${uri}`);
  for (const p of instance.ports) {
    if (p.vnicType === 'direct') w.addVf(HOST_A.id, p.vf, p.id);
  }
  for (const vf of TARGET_VFS) w.addVf(HOST_B.id, vf);
  w.boot(
    HOST_A.id,
    instance.ports.map((p) => renderDeviceXml(instance, p.id)),
  );
  return w;
}
