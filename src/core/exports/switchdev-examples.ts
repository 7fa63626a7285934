import type { ExportFleet, ExportHost, ExportOwner, ExportVf } from './export-fleet.js';
import { examplePf } from './owned-devices-examples.js';

/**
 * Hosts with ConnectX-6 Dx-like NICs (15b3:101d, VFs 15b3:101e) whose PFs
 * are in switchdev mode, some VFs with a vDPA device, for the export
 * tests. VF i of a PF at bus:00.f is bus:00.(2 + i) for the first PF and
 * bus:01.i for the second, as mlx5 lays them out after the two PFs.
 */
const cx6 = ['15b3', '101d'] as [string, string];

interface VfLike {
  owner: ExportOwner;
  physnet: string;
  vdpaDev?: string;
  trusted?: boolean;
}

function vfsOf(bus: string, fn: number, list: readonly VfLike[]): ExportVf[] {
  return list.map((v, index) => ({
    index,
    pciAddress: fn === 0 ? `0000:${bus}:00.${index + 2}` : `0000:${bus}:01.${index}`,
    owner: v.owner,
    physnet: v.physnet,
    trusted: v.trusted ?? false,
    driver: 'mlx5_core',
    vdpaDev: v.vdpaDev ?? null,
  }));
}

const pf = (
  bus: string,
  fn: number,
  ifname: string,
  eswitchMode: 'legacy' | 'switchdev',
  vfs: readonly VfLike[],
) =>
  examplePf(`0000:${bus}:00.${fn}`, ifname, cx6, {
    driver: 'mlx5_core',
    eswitchMode,
    vfs: vfsOf(bus, fn, vfs),
  });

const os1 = { owner: 'openstack', physnet: 'physnet1' } as const;

/**
 * OpenStack's: `offload-1` has a switchdev PF with two vDPA VFs and two
 * plain ones, and a legacy PF on another physnet; `offload-2` only vDPA
 * VFs; `legacy-1` nothing in switchdev mode.
 */
export const switchdevOpenstackFleet: ExportFleet = {
  hosts: [
    {
      name: 'offload-1',
      pfs: [
        pf('3b', 0, 'ens3f0', 'switchdev', [
          { ...os1, vdpaDev: '/dev/vhost-vdpa-0' },
          { ...os1, vdpaDev: '/dev/vhost-vdpa-1' },
          os1,
          os1,
        ]),
        pf('3b', 1, 'ens3f1', 'legacy', [
          { owner: 'openstack', physnet: 'physnet2' },
          { owner: 'openstack', physnet: 'physnet2' },
        ]),
      ],
    },
    {
      name: 'offload-2',
      pfs: [
        pf('5e', 0, 'ens5f0', 'switchdev', [
          { ...os1, vdpaDev: '/dev/vhost-vdpa-0' },
          { ...os1, vdpaDev: '/dev/vhost-vdpa-1' },
        ]),
      ],
    },
    {
      name: 'legacy-1',
      pfs: [pf('3b', 0, 'ens3f0', 'legacy', [os1, os1])],
    },
  ],
  physnets: [
    { name: 'physnet1', vlanRanges: [{ min: 100, max: 199 }] },
    { name: 'physnet2', vlanRanges: [{ min: 200, max: 299 }] },
  ],
};

const k8s = { owner: 'kubernetes', physnet: 'physnet1' } as const;
const pool = { owner: 'libvirt-pool', physnet: 'physnet2' } as const;

/**
 * Kubernetes' and libvirt's: on `node-s` a switchdev PF shares vDPA and
 * plain VFs between both, beside a legacy PF with plain VFs of both on the
 * same physnets.
 */
export const switchdevHosts: readonly ExportHost[] = [
  {
    name: 'node-s',
    pfs: [
      pf('3b', 0, 'ens3f0', 'switchdev', [
        { ...k8s, vdpaDev: '/dev/vhost-vdpa-0' },
        { ...k8s, vdpaDev: '/dev/vhost-vdpa-1' },
        k8s,
        k8s,
        { ...pool, vdpaDev: '/dev/vhost-vdpa-2' },
        pool,
      ]),
      pf('3b', 1, 'ens3f1', 'legacy', [k8s, k8s, pool, pool]),
    ],
  },
];
