import type { InstanceView } from '../core/fleet/claim-store.js';
import type { PortView } from '../core/fleet/catalog-store.js';
import type { VmBoot } from '../core/fleet/vm-domain.js';
import { hostRenderFactsOf, type HostRenderFacts } from '../core/fleet/host-render-facts.js';

/**
 * Store views, boot options and host facts for tests of domain requests
 * (pure core tests and libvirt's own checks): plain data, no node: imports.
 */
export const VM_ID = '4dea22b3-1d52-d8f3-2516-782e98ab3fa0';

/** A port as the store shows it; a test sets the vnic type, MAC and device it holds. */
export function portView(over: Partial<PortView> & Pick<PortView, 'id' | 'vnicType'>): PortView {
  return {
    tenant: 'acme',
    networkId: 'net-blue',
    instanceId: VM_ID,
    instance: 'vm1',
    mac: 'fa:16:3e:00:00:01',
    trusted: false,
    spoofchk: true,
    maxTxRate: 0,
    minTxRate: 0,
    vfId: null,
    network: 'blue',
    physnet: 'p1',
    vlan: 120,
    hostId: 'hv-a',
    pciAddress: null,
    pf: null,
    vfIndex: null,
    ...over,
  };
}

export function instanceView(
  ports: readonly PortView[],
  over: Partial<InstanceView> = {},
): InstanceView {
  return {
    id: VM_ID,
    name: 'web',
    tenant: 'acme',
    hostId: 'hv-a',
    state: 'active',
    vcpus: 2,
    memoryMb: 2048,
    numaPolicy: 'required',
    numaNode: 0,
    hostLabels: {},
    createdAt: '2025-01-01T00:00:00.000Z',
    ports,
    ...over,
  };
}

/**
 * Host hv-a as its agent reports it: PF ens1f0 (node 0) with two vfio VFs
 * and a kernel VF, PF ens1f1 (node 0) offered whole, PF ens3f0 (node 1) with
 * one VF; nodes 0 and 1 with their CPUs.
 */
export const FACTS: HostRenderFacts = hostRenderFactsOf(
  {
    pfs: [
      {
        pciAddress: '0000:3b:00.0',
        ifname: 'ens1f0',
        numaNode: 0,
        iommuGroup: 40,
        vfs: [
          { index: 0, pciAddress: '0000:3b:02.0', driverKind: 'vfio', iommuGroup: 70 },
          { index: 1, pciAddress: '0000:3b:02.1', driverKind: 'vfio', iommuGroup: 71 },
          {
            index: 2,
            pciAddress: '0000:3b:02.2',
            driverKind: 'kernel',
            netdev: 'ens1f0v2',
            iommuGroup: 72,
          },
        ],
      },
      { pciAddress: '0000:3b:00.1', ifname: 'ens1f1', numaNode: 0, iommuGroup: 41, vfs: [] },
      {
        pciAddress: '0000:5e:00.0',
        ifname: 'ens3f0',
        numaNode: 1,
        vfs: [{ index: 0, pciAddress: '0000:5e:02.0', driverKind: 'vfio', iommuGroup: 90 }],
      },
    ],
  },
  [
    { node: 0, socket: 0, cpus: 8, cpuList: [0, 1, 2, 3, 4, 5, 6, 7] },
    { node: 1, socket: 1, cpus: 8, cpuList: [8, 9, 10, 11, 12, 13, 14, 15] },
  ],
);

const TEMPLATE = { kind: 'template', diskImage: '/var/lib/vfleet/images/web.qcow2' } as const;
export const boot = (ports: VmBoot['ports'] = {}): VmBoot => ({ base: TEMPLATE, ports });
