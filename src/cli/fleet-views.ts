/**
 * The API's answers as the CLI reads them (docs/controller.md, /openapi.json).
 * Declared here because the CLI layer never imports src/controller; only
 * the fields the tables show are listed, json/yaml print everything.
 */

export interface HostView {
  id: string;
  labels: Record<string, string>;
  health: string;
  ready: boolean;
  lastSeen: string | null;
  desiredGeneration: number;
  appliedGeneration: number;
  lastApplyMessage: string | null;
  numaNodes: { node: number; socket: number; cpus: number }[];
  memoryMb: number | null;
}

export interface VfView {
  index: number;
  pciAddress: string;
  state: string;
  dirty: boolean;
  physnet: string | null;
  trusted: boolean;
  portId: string | null;
  note: string | null;
}

export interface HostDetailView extends HostView {
  findings: { severity?: string; id?: string; title?: string }[];
  pfs: {
    pciAddress: string;
    ifname: string | null;
    driver: string | null;
    totalVfs: number;
    numVfs: number;
    numaNode: number | null;
    spec: string | null;
    vfs: VfView[];
  }[];
}

export interface SpecView {
  id: string;
  name: string;
  vendor: string | null;
  device: string | null;
  driver: string | null;
  pciAddress: string | null;
  pf: string | null;
  physnet: string;
  trusted: boolean;
  numVfs: number;
  vfDriver: string;
}

export interface PhysnetView {
  name: string;
  vlanRanges: { min: number; max: number }[];
}

export interface NetworkView {
  id: string;
  name: string;
  tenant: string;
  physnet: string;
  vlan: number;
}

export interface PortView {
  id: string;
  tenant: string;
  instanceId: string | null;
  network: string;
  vlan: number;
  vnicType: string;
  mac: string;
  trusted: boolean;
  spoofchk: boolean;
  maxTxRate: number;
  minTxRate: number;
  host: string | null;
  pciAddress: string | null;
  pf: string | null;
  vfIndex: number | null;
  note: string;
}

export interface InstanceView {
  id: string;
  name: string;
  tenant: string;
  host: string | null;
  state: string;
  vcpus: number;
  memoryMb: number;
  numaPolicy: string;
  numaNode: number | null;
  hostLabels: Record<string, string>;
  createdAt: string;
  ports: PortView[];
}

export interface TokenView {
  id: string;
  name: string;
  role: string;
  tenant: string | null;
  host: string | null;
  createdAt: string;
  token?: string;
}
