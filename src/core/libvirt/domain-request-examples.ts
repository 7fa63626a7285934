import { isVfleetError, type VfleetError } from '../errors.js';
import { validateDomainRequest } from './validate-domain-request.js';
import type {
  ClaimedVf,
  DirectPhysicalPort,
  DirectPort,
  HostNumaNode,
  DomainRequest,
  MacvtapPort,
  NormalPort,
  VdpaPort,
} from './domain-request.js';

/**
 * Sample domain requests on a two-socket host with four NUMA nodes (nodes 0-1 on
 * socket 0, 2-3 on socket 1): for tests, docs and `instance xml` examples.
 */
export const EXAMPLE_HOST_NUMA: readonly HostNumaNode[] = [
  { node: 0, cpus: [0, 1, 2, 3, 16, 17, 18, 19], socket: 0 },
  { node: 1, cpus: [4, 5, 6, 7, 20, 21, 22, 23], socket: 0 },
  { node: 2, cpus: [8, 9, 10, 11], socket: 1 },
  { node: 3, cpus: [12, 13, 14, 15], socket: 1 },
];

export function exampleVf(over: Partial<ClaimedVf> = {}): ClaimedVf {
  return {
    pciAddress: '0000:3b:02.1',
    pfIfname: 'ens1f0',
    vfIndex: 1,
    netdev: null,
    driverKind: 'vfio',
    vdpaDevice: null,
    iommuGroup: 71,
    numaNode: 0,
    ...over,
  };
}

export const exampleDirect = (over: Partial<DirectPort> = {}): DirectPort => ({
  id: 'p-direct',
  vnicType: 'direct',
  mac: 'fa:16:3e:00:00:01',
  vlan: 2401,
  vf: exampleVf(),
  ...over,
});

export const exampleMacvtap = (over: Partial<MacvtapPort> = {}): MacvtapPort => ({
  id: 'p-macvtap',
  vnicType: 'macvtap',
  mac: 'fa:16:3e:00:00:02',
  vlan: 100,
  vf: exampleVf({
    pciAddress: '0000:3b:02.2',
    vfIndex: 2,
    netdev: 'ens1f0v2',
    driverKind: 'kernel',
  }),
  ...over,
});

export const exampleVdpa = (over: Partial<VdpaPort> = {}): VdpaPort => ({
  id: 'p-vdpa',
  vnicType: 'vdpa',
  mac: 'fa:16:3e:00:00:03',
  vlan: 0,
  vf: exampleVf({
    pciAddress: '0000:3b:02.3',
    vfIndex: 3,
    driverKind: 'kernel',
    vdpaDevice: '/dev/vhost-vdpa-0',
  }),
  ...over,
});

export const examplePhysical = (over: Partial<DirectPhysicalPort> = {}): DirectPhysicalPort => ({
  id: 'p-pf',
  vnicType: 'direct-physical',
  pf: { pciAddress: '0000:5e:00.0', ifname: 'ens2f0', iommuGroup: 90, numaNode: 0 },
  ...over,
});

export const exampleNormal = (over: Partial<NormalPort> = {}): NormalPort => ({
  id: 'p-meta',
  vnicType: 'normal',
  mac: 'fa:16:3e:00:00:10',
  vlan: 0,
  source: { kind: 'bridge', bridge: 'br-meta' },
  ...over,
});

export function exampleInstance(over: Partial<DomainRequest> = {}): DomainRequest {
  return {
    name: 'vm-1',
    uuid: '4dea22b3-1d52-d8f3-2516-782e98ab3fa0',
    vcpus: 4,
    memoryMb: 4096,
    numaPolicy: 'required',
    ports: [exampleDirect(), exampleNormal()],
    base: { kind: 'template', diskImage: '/var/lib/vfleet/images/vm-1.qcow2' },
    hostNuma: EXAMPLE_HOST_NUMA,
    ...over,
  };
}

/** The refusal `validateDomainRequest` gives `w`; throws when `w` is accepted. */
export function refusal(w: DomainRequest): VfleetError {
  try {
    validateDomainRequest(w);
  } catch (e) {
    if (isVfleetError(e)) return e;
    throw e;
  }
  throw new Error('expected the domain request to be refused');
}

/** Every field named by the refusal of `w`, in order. */
export const refusedFields = (w: DomainRequest): string[] =>
  (refusal(w).details.problems as { field: string }[]).map((p) => p.field);

/** An example instance with these ports. */
export const withPorts = (...p: DomainRequest['ports']): DomainRequest =>
  exampleInstance({ ports: p });
