import { VfleetError } from '../errors.js';
import type { VfGroup } from './owned-devices.js';
import {
  NameRegistry,
  OPERATOR_NAMESPACE,
  dnsSubdomain,
  resourceName,
} from './kubernetes-names.js';

export const DEVICE_TYPES = ['netdevice', 'vfio-pci'] as const;

/** The fields of the operator's SriovNetworkNodePolicy that vfleet fills. */
export interface SriovNetworkNodePolicy {
  apiVersion: 'sriovnetwork.openshift.io/v1';
  kind: 'SriovNetworkNodePolicy';
  metadata: { name: string; namespace: string };
  spec: {
    resourceName: string;
    nodeSelector: Record<string, string>;
    numVfs: number;
    nicSelector: { vendor: string; deviceID: string; pfNames?: string[]; rootDevices: string[] };
    deviceType: (typeof DEVICE_TYPES)[number];
    isRdma: false;
    /** set when the PF is in switchdev mode; left out (legacy) otherwise */
    eSwitchMode?: 'switchdev';
    externallyManaged: true;
  };
}

/** Consecutive VF indices as [first, last] runs: the operator takes one `#first-last` per pfName. */
function runs(indices: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const i of indices) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] + 1 === i) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/**
 * The policies for one group of VFs: `externallyManaged: true` tells the
 * operator that vfleet creates the VFs and owns the PF, so it only binds
 * drivers and publishes the pool. numVfs is the PF's current VF count (the
 * operator checks it against what exists and never changes it). One policy
 * per consecutive run of VFs, because the operator reads a single
 * `#first-last` range per PF name. A PF in switchdev mode says so: for an
 * externally managed PF the operator's config daemon only checks that the
 * mode it is in is the policy's (legacy when left out), and fails the sync
 * otherwise. Groups of VFs with vDPA devices get no policy
 * (kubernetes-export.ts says why).
 */
export function policiesFor(g: VfGroup, names: NameRegistry): SriovNetworkNodePolicy[] {
  const resource = resourceName(g.physnet, g.trusted, g.kind);
  const ifname = g.pf.ifname;
  if (ifname === null && !g.wholePf) {
    throw new VfleetError(
      'UNSUPPORTED',
      `host ${g.host}: PF ${g.pf.pciAddress} has no netdev, so a policy cannot select part of its VFs; give all its VFs to kubernetes on one physnet`,
      { field: 'pf', host: g.host, pf: g.pf.pciAddress },
    );
  }
  const deviceType = g.vfs.every((v) => v.driver === 'vfio-pci') ? 'vfio-pci' : 'netdevice';
  const pieces = ifname === null ? [null] : runs(g.vfs.map((v) => v.index));
  return pieces.map((run) => {
    const label = `vfleet-${g.host}-${ifname ?? g.pf.pciAddress}-${resource}${run === null ? '' : `-${run[0]}-${run[1]}`}`;
    return {
      apiVersion: 'sriovnetwork.openshift.io/v1',
      kind: 'SriovNetworkNodePolicy',
      metadata: { name: names.claim(dnsSubdomain(label), label), namespace: OPERATOR_NAMESPACE },
      spec: {
        resourceName: resource,
        nodeSelector: { 'kubernetes.io/hostname': g.host },
        numVfs: g.pf.vfs.length,
        nicSelector: {
          vendor: g.pf.vendorId,
          deviceID: g.pf.deviceId,
          ...(run === null || ifname === null
            ? {}
            : { pfNames: [`${ifname}#${run[0]}-${run[1]}`] }),
          rootDevices: [g.pf.pciAddress],
        },
        deviceType,
        isRdma: false,
        ...(g.pf.eswitchMode === 'switchdev' ? { eSwitchMode: 'switchdev' as const } : {}),
        externallyManaged: true,
      },
    };
  });
}
