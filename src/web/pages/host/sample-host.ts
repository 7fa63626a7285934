import type { HostDetailView } from '../../../api/answers.js';
import { hostDetailSchema } from '../../../api/schemas/hosts.js';

/**
 * A host as GET /v1/hosts/{id} answers it, for the page tests: `pfs` PFs
 * (the first on NUMA node 0, the next on node 1, further ones unknown) of
 * `vfs` VFs each; every third VF is held by an instance (one per four VFs),
 * VF 1 of each PF is dirty and VF 2 quarantined. PF 0's link is up at
 * 25 Gb/s, PF 1's was set down, a third's is not reported (an older agent);
 * even VFs are bound to vfio-pci, odd ones to iavf with a netdev, VF 5 to
 * none; a held VF's port has spoof checking on and a 1000 Mbit/s cap, the
 * port of VF 3 off and 100/5000. VF 7 is handed to OpenStack, the others
 * are vfleet's. Parsed by the API's own
 * schema, so it cannot drift from what the controller sends.
 */
export function sampleHost(pfs: number, vfs: number): HostDetailView {
  const pf = (p: number) => {
    const bus = (0x3b + p).toString(16).padStart(2, '0');
    return {
      pciAddress: `0000:${bus}:00.0`,
      ifname: `ens${p}f0`,
      vendorId: '8086',
      deviceId: '1521',
      driver: 'igb',
      totalVfs: vfs,
      numVfs: vfs,
      numaNode: p < 2 ? p : null,
      eswitchMode: null,
      link: [
        { state: 'up', adminUp: true, speedMbps: 25000 },
        { state: 'down', adminUp: false, speedMbps: null },
      ][p] ?? { state: null, adminUp: null, speedMbps: null },
      spec: 's1',
      specName: 'igb',
      declaredVfs: vfs,
      whole: null,
      owners: vfs > 7 ? ['vfleet', 'openstack'] : ['vfleet'],
      vfs: Array.from({ length: vfs }, (_, i) => {
        const held = i % 3 === 0;
        const inst = `i-${p}-${Math.floor(i / 4)}`;
        return {
          index: i,
          pciAddress: `0000:${bus}:${(0x10 + Math.floor(i / 8)).toString(16)}.${i % 8}`,
          state: held ? 'allocated' : i === 2 ? 'quarantined' : 'free',
          dirty: i === 1,
          physnet: 'p1',
          trusted: false,
          owner: i === 7 ? 'openstack' : 'vfleet',
          portId: held ? `port-${p}-${i}` : null,
          reservedUntil: null,
          note: null,
          instance: held ? `vm-${inst}` : null,
          instanceId: held ? inst : null,
          tenant: held ? 'acme' : null,
          network: held ? 'blue' : null,
          mac: held
            ? `fa:16:3e:00:${p.toString(16).padStart(2, '0')}:${i.toString(16).padStart(2, '0')}`
            : null,
          vlan: held ? 100 : null,
          configured: held ? true : null,
          driver: i === 5 ? null : i % 2 === 0 ? 'vfio-pci' : 'iavf',
          iommuGroup: i === 5 ? null : 100 * (p + 1) + i,
          netdev: i % 2 === 1 && i !== 5 ? `ens${p}f0v${i}` : null,
          vdpaDev: null,
          representor: null,
          spoofchk: held ? i !== 3 : null,
          maxTxRate: held ? (i === 3 ? 5000 : 1000) : null,
          minTxRate: held ? (i === 3 ? 100 : 0) : null,
        };
      }),
    };
  };
  return hostDetailSchema.parse({
    id: 'h1',
    labels: { rack: 'a' },
    health: 'healthy',
    ready: true,
    lastSeen: '2026-12-03T12:00:00.000Z',
    desiredGeneration: 2,
    appliedGeneration: 2,
    lastApplyMessage: null,
    numaNodes: [
      { node: 1, socket: 1, cpus: 16 },
      { node: 0, socket: 0, cpus: 16 },
    ],
    memoryMb: 65536,
    cordon: null,
    allocation: {
      rule: null,
      cpuRatio: 1,
      memoryRatio: 1,
      reservedCpus: [],
      reservedMemoryMb: 0,
      vcpus: [
        { node: 0, vcpus: 16 },
        { node: 1, vcpus: 16 },
      ],
      memoryMb: 65536,
    },
    drain: null,
    findings: [
      {
        id: 'iommu-off',
        severity: 'error',
        subject: 'host',
        title: 'IOMMU is off',
        evidence: ['no /sys/kernel/iommu_groups'],
        fix: ['add intel_iommu=on to the kernel command line'],
      },
    ],
    irqPins: null,
    pfs: Array.from({ length: pfs }, (_, p) => pf(p)),
  });
}
