import { describe, expect, it } from 'vitest';
import type { NumaNode } from './model.js';
import { NO_HYPERVISOR, type HypervisorFacts } from '../libvirt/hypervisor-facts.js';
import { hostRenderFactsOf, type ReportedDevices } from './host-render-facts.js';

type ReportedPf = ReportedDevices['pfs'][number];
type ReportedVf = ReportedPf['vfs'][number];

/** A PF as the scan JSON reports it (docs/scan-json.md), with only what a test sets. */
const pf = (pciAddress: string, over: Partial<ReportedPf> = {}): ReportedPf => ({
  pciAddress,
  ifname: 'ens1f0',
  numaNode: 0,
  vfs: [],
  ...over,
});

const vf = (index: number, pciAddress: string, over: Partial<ReportedVf> = {}): ReportedVf => ({
  index,
  pciAddress,
  ...over,
});

const node = (n: number, over: Partial<NumaNode> = {}): NumaNode => ({
  node: n,
  socket: n,
  cpus: over.cpuList?.length ?? 0,
  ...over,
});

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

describe('hostRenderFactsOf: vDPA', () => {
  it('renders a VF with the char device of its vDPA device only while vhost_vdpa holds it', () => {
    const dev = (driver: string | null) => ({ charDev: '/dev/vhost-vdpa-3', driver });
    const f = hostRenderFactsOf(
      {
        pfs: [
          pf('0000:08:00.0', {
            vfs: [
              vf(0, '0000:08:00.2', { vdpa: dev('vhost_vdpa') }),
              vf(1, '0000:08:00.3', { vdpa: dev('virtio_vdpa') }),
              vf(2, '0000:08:00.4', { vdpa: null }),
              vf(3, '0000:08:00.5'),
            ],
          }),
        ],
      },
      [node(0)],
    );
    expect(Object.values(f.vfs).map((v) => v.vdpaDevice)).toEqual([
      '/dev/vhost-vdpa-3',
      null,
      null,
      null,
    ]);
  });
});

describe('hostRenderFactsOf: VFs', () => {
  it('keeps each VF under its address with its PF, index, driver, netdev, group and node', () => {
    const devices = {
      pfs: [
        pf('0000:3b:00.0', {
          ifname: 'ens1f0',
          numaNode: 1,
          vfs: [
            vf(0, '0000:3b:02.0', {
              driverKind: 'vfio',
              netdev: null,
              iommuGroup: 71,
              numaNode: 1,
            }),
            vf(5, '0000:3b:02.5', {
              driverKind: 'kernel',
              netdev: 'ens1f0v5',
              iommuGroup: 76,
              numaNode: 1,
            }),
          ],
        }),
      ],
    };
    const { vfs } = hostRenderFactsOf(devices, []);
    expect(Object.keys(vfs).sort()).toEqual(['0000:3b:02.0', '0000:3b:02.5']);
    expect(vfs['0000:3b:02.0']).toEqual({
      pciAddress: '0000:3b:02.0',
      pfIfname: 'ens1f0',
      vfIndex: 0,
      netdev: null,
      driverKind: 'vfio',
      vdpaDevice: null,
      iommuGroup: 71,
      numaNode: 1,
    });
    expect(vfs['0000:3b:02.5']).toEqual({
      pciAddress: '0000:3b:02.5',
      pfIfname: 'ens1f0',
      vfIndex: 5,
      netdev: 'ens1f0v5',
      driverKind: 'kernel',
      vdpaDevice: null,
      iommuGroup: 76,
      numaNode: 1,
    });
  });

  it('names the PF each VF belongs to when a host has several', () => {
    const devices = {
      pfs: [
        pf('0000:3b:00.0', { ifname: 'ens1f0', vfs: [vf(0, '0000:3b:02.0')] }),
        pf('0000:3b:00.1', { ifname: 'ens1f1', vfs: [vf(0, '0000:3b:0a.0')] }),
        pf('0000:5e:00.0', { ifname: null, vfs: [vf(3, '0000:5e:02.3')] }),
      ],
    };
    const { vfs } = hostRenderFactsOf(devices, []);
    expect(vfs['0000:3b:02.0']?.pfIfname).toBe('ens1f0');
    expect(vfs['0000:3b:0a.0']?.pfIfname).toBe('ens1f1');
    expect(vfs['0000:5e:02.3']?.pfIfname).toBeNull();
    expect(vfs['0000:5e:02.3']?.vfIndex).toBe(3);
  });

  it('takes every known driver kind as is and any other word as none', () => {
    const kinds = ['kernel', 'vfio', 'none', 'other', 'nouveau', '', 'VFIO', undefined];
    const devices = {
      pfs: [
        pf('0000:3b:00.0', {
          vfs: kinds.map((k, i) => vf(i, `0000:3b:02.${i}`, { driverKind: k })),
        }),
      ],
    };
    const { vfs } = hostRenderFactsOf(devices, []);
    expect(kinds.map((_, i) => vfs[`0000:3b:02.${i}`]?.driverKind)).toEqual([
      'kernel',
      'vfio',
      'none',
      'other',
      'none',
      'none',
      'none',
      'none',
    ]);
  });

  it('leaves what the scan did not say as null', () => {
    const devices = { pfs: [pf('0000:3b:00.0', { numaNode: null, vfs: [vf(2, '0000:3b:02.2')] })] };
    expect(hostRenderFactsOf(devices, []).vfs['0000:3b:02.2']).toEqual({
      pciAddress: '0000:3b:02.2',
      pfIfname: 'ens1f0',
      vfIndex: 2,
      netdev: null,
      driverKind: 'none',
      vdpaDevice: null,
      iommuGroup: null,
      numaNode: null,
    });
  });

  it("a VF without a node of its own is on its PF's node; one with a node keeps it", () => {
    const devices = {
      pfs: [
        pf('0000:3b:00.0', {
          numaNode: 1,
          vfs: [
            vf(0, '0000:3b:02.0'),
            vf(1, '0000:3b:02.1', { numaNode: null }),
            vf(2, '0000:3b:02.2', { numaNode: 0 }),
          ],
        }),
        pf('0000:d8:00.0', { numaNode: 3, vfs: [vf(0, '0000:d8:02.0')] }),
      ],
    };
    const { vfs } = hostRenderFactsOf(devices, []);
    expect(vfs['0000:3b:02.0']?.numaNode).toBe(1);
    expect(vfs['0000:3b:02.1']?.numaNode).toBe(1);
    expect(vfs['0000:3b:02.2']?.numaNode).toBe(0);
    expect(vfs['0000:d8:02.0']?.numaNode).toBe(3);
  });

  it('a device with numa_node -1 is on the only node of a single-node host, on no node of a larger one', () => {
    const devices = {
      pfs: [pf('0000:3b:00.0', { numaNode: null, vfs: [vf(0, '0000:3b:02.0')] })],
    };
    const one = hostRenderFactsOf(devices, [node(0, { cpuList: [0, 1] })]);
    expect(one.vfs['0000:3b:02.0']?.numaNode).toBe(0);
    expect(one.pfs['0000:3b:00.0']?.numaNode).toBe(0);
    const two = hostRenderFactsOf(devices, [node(0), node(1)]);
    expect(two.vfs['0000:3b:02.0']?.numaNode).toBeNull();
    expect(two.pfs['0000:3b:00.0']?.numaNode).toBeNull();
  });
});

describe('hostRenderFactsOf: PFs', () => {
  it('keeps each PF under its address with ifname, IOMMU group and node, VFs or not', () => {
    const devices = {
      pfs: [
        pf('0000:3b:00.0', {
          ifname: 'ens1f0',
          iommuGroup: 40,
          numaNode: 0,
          vfs: [vf(0, '0000:3b:02.0')],
        }),
        pf('0000:5e:00.0', { ifname: 'ens2f0', numaNode: 1 }),
        pf('0000:af:00.0', { ifname: null, iommuGroup: null, numaNode: null }),
      ],
    };
    const { pfs, vfs } = hostRenderFactsOf(devices, []);
    expect(pfs).toEqual({
      '0000:3b:00.0': { pciAddress: '0000:3b:00.0', ifname: 'ens1f0', iommuGroup: 40, numaNode: 0 },
      '0000:5e:00.0': {
        pciAddress: '0000:5e:00.0',
        ifname: 'ens2f0',
        iommuGroup: null,
        numaNode: 1,
      },
      '0000:af:00.0': {
        pciAddress: '0000:af:00.0',
        ifname: null,
        iommuGroup: null,
        numaNode: null,
      },
    });
    // PFs and VFs are looked up separately: a PF address is never a VF.
    expect(vfs['0000:3b:00.0']).toBeUndefined();
    expect(pfs['0000:3b:02.0']).toBeUndefined();
  });

  it('a host without devices has no facts', () => {
    expect(hostRenderFactsOf({ pfs: [] }, [])).toEqual({
      numa: [],
      vfs: {},
      pfs: {},
      hypervisor: NO_HYPERVISOR,
      images: null,
    });
  });
});

describe('hostRenderFactsOf: NUMA nodes', () => {
  it('takes the CPU lists the agent read, in node order, with their sockets', () => {
    const nodes = [
      node(1, { socket: 0, cpuList: [4, 5, 6, 7] }),
      node(0, { socket: 0, cpuList: [0, 1, 2, 3] }),
      node(2, { socket: 1, cpuList: [8, 9] }),
    ];
    // A PF's local CPUs do not override what the node itself reported.
    const devices = { pfs: [pf('0000:3b:00.0', { numaNode: 0, localCpuList: [0, 1, 2, 3, 99] })] };
    expect(hostRenderFactsOf(devices, nodes).numa).toEqual([
      { node: 0, cpus: [0, 1, 2, 3], socket: 0 },
      { node: 1, cpus: [4, 5, 6, 7], socket: 0 },
      { node: 2, cpus: [8, 9], socket: 1 },
    ]);
  });

  it("without CPU lists, uses the PFs' local CPUs, merged per node", () => {
    const devices = {
      pfs: [
        pf('0000:3b:00.0', { numaNode: 0, localCpuList: [2, 3, 0, 1] }),
        pf('0000:3b:00.1', { numaNode: 0, localCpuList: [0, 1, 16, 17] }),
        pf('0000:d8:00.0', { numaNode: 1, localCpuList: [8, 9] }),
      ],
    };
    // Node 0 is reported (without CPUs), node 1 is known only from its PF.
    const facts = hostRenderFactsOf(devices, [node(0, { socket: 0, cpus: 6 })]);
    expect(facts.numa.map((n) => n.node)).toEqual([0, 1]);
    const [n0, n1] = facts.numa;
    expect(n0?.socket).toBe(0);
    expect(sorted(n0?.cpus ?? [])).toEqual([0, 1, 2, 3, 16, 17]);
    expect(n1).toEqual({ node: 1, cpus: [8, 9], socket: null });
  });

  it('a node known only from PFs lists each CPU once, in order', () => {
    const devices = {
      pfs: [
        pf('0000:3b:00.0', { numaNode: 2, localCpuList: [12, 13, 10, 11] }),
        pf('0000:3b:00.1', { numaNode: 2, localCpuList: [11, 10] }),
      ],
    };
    expect(hostRenderFactsOf(devices, []).numa).toEqual([
      { node: 2, cpus: [10, 11, 12, 13], socket: null },
    ]);
  });

  it('drops nodes without CPUs, and PFs without a node add none', () => {
    const nodes = [
      node(0, { cpuList: [0, 1] }),
      node(1, { cpuList: [] }), // memory-only node
      node(2), // no CPU list and no PF to tell
    ];
    const devices = {
      pfs: [
        pf('0000:3b:00.0', { numaNode: null, localCpuList: [0, 1, 2, 3] }),
        pf('0000:5e:00.0', { numaNode: 3 }), // a node, but no local CPUs reported
      ],
    };
    expect(hostRenderFactsOf(devices, nodes).numa).toEqual([{ node: 0, cpus: [0, 1], socket: 0 }]);
  });
});

describe('hostRenderFactsOf: hypervisor', () => {
  it('passes what the agent said through', () => {
    const hv: HypervisorFacts = {
      kind: 'virsh',
      migrationUri: 'qemu+ssh://hv-a/system',
      reason: null,
    };
    expect(hostRenderFactsOf({ pfs: [] }, [], hv).hypervisor).toEqual(hv);
    const renderOnly: HypervisorFacts = {
      kind: 'render-only',
      migrationUri: null,
      reason: 'virsh not found',
    };
    expect(hostRenderFactsOf({ pfs: [] }, [], renderOnly).hypervisor).toEqual(renderOnly);
  });

  it('says nothing is known before the agent told', () => {
    expect(hostRenderFactsOf({ pfs: [] }, []).hypervisor).toEqual({
      kind: null,
      migrationUri: null,
      reason: null,
    });
  });
});
