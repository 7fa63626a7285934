import type { ExportNetwork } from './owned-devices.js';
import { NameRegistry, OPERATOR_NAMESPACE, dnsLabel, dnsSubdomain } from './kubernetes-names.js';

export const NETWORK_FORMATS = ['sriovnetwork', 'nad'] as const;
export type NetworkFormat = (typeof NETWORK_FORMATS)[number];

/** Port settings a network hands its pods, as vfleet keeps them: rates in Mbit/s, 0 = none. */
export interface NetworkQos {
  readonly vlanQoS?: number;
  readonly minTxRate?: number;
  readonly maxTxRate?: number;
}

/** One network on one device pool: the pool decides trust (and so spoof checking). */
export interface PooledNetwork {
  readonly network: ExportNetwork & NetworkQos;
  readonly resourceName: string;
  readonly trusted: boolean;
}

export interface SriovNetwork {
  apiVersion: 'sriovnetwork.openshift.io/v1';
  kind: 'SriovNetwork';
  metadata: { name: string; namespace: string };
  spec: {
    resourceName: string;
    networkNamespace: string;
    vlan: number;
    vlanQoS?: number;
    spoofChk: 'on' | 'off';
    trust: 'on' | 'off';
    minTxRate?: number;
    maxTxRate?: number;
  };
}

export interface NetworkAttachmentDefinition {
  apiVersion: 'k8s.cni.cncf.io/v1';
  kind: 'NetworkAttachmentDefinition';
  metadata: { name: string; namespace: string; annotations: Record<string, string> };
  spec: { config: string };
}

const onOff = (b: boolean): 'on' | 'off' => (b ? 'on' : 'off');

/** vfleet's rule for its own ports: spoof checking stays on unless the VF is trusted. */
const spoofCheck = (trusted: boolean): boolean => !trusted;

/** Rates and QoS only when set: 0 means none in every format, so leaving them out says the same. */
function qos(n: NetworkQos): { vlanQoS?: number; minTxRate?: number; maxTxRate?: number } {
  return {
    ...(n.vlanQoS ? { vlanQoS: n.vlanQoS } : {}),
    ...(n.minTxRate ? { minTxRate: n.minTxRate } : {}),
    ...(n.maxTxRate ? { maxTxRate: n.maxTxRate } : {}),
  };
}

const objectName = (p: PooledNetwork): string =>
  dnsSubdomain(`${p.network.name}${p.trusted ? '-trusted' : ''}`);

/**
 * The operator's form: it renders a NetworkAttachmentDefinition named like
 * this object into `networkNamespace` (here the tenant), so names must be
 * unique across tenants in the operator's namespace.
 */
export function sriovNetwork(p: PooledNetwork, names: NameRegistry): SriovNetwork {
  const name = objectName(p);
  return {
    apiVersion: 'sriovnetwork.openshift.io/v1',
    kind: 'SriovNetwork',
    metadata: {
      name: names.claim(name, `${p.network.tenant}/${p.network.name}`),
      namespace: OPERATOR_NAMESPACE,
    },
    spec: {
      resourceName: p.resourceName,
      networkNamespace: dnsLabel(p.network.tenant),
      vlan: p.network.vlan,
      spoofChk: onOff(spoofCheck(p.trusted)),
      trust: onOff(p.trusted),
      ...qos(p.network),
    },
  };
}

/**
 * The plain Multus form for clusters without the operator: the sriov CNI's
 * own config, in its spelling (`spoofchk`, `min_tx_rate`), and the
 * resourceName annotation that makes Multus ask the device plugin for a VF.
 */
export function networkAttachment(
  p: PooledNetwork,
  prefix: string,
  names: NameRegistry,
): NetworkAttachmentDefinition {
  const name = objectName(p);
  const namespace = dnsLabel(p.network.tenant);
  names.claim(`${namespace}/${name}`, `${p.network.tenant}/${p.network.name}`);
  const q = qos(p.network);
  const config = {
    cniVersion: '0.3.1',
    name,
    type: 'sriov',
    vlan: p.network.vlan,
    ...(q.vlanQoS === undefined ? {} : { vlanQoS: q.vlanQoS }),
    spoofchk: onOff(spoofCheck(p.trusted)),
    trust: onOff(p.trusted),
    ...(q.minTxRate === undefined ? {} : { min_tx_rate: q.minTxRate }),
    ...(q.maxTxRate === undefined ? {} : { max_tx_rate: q.maxTxRate }),
  };
  return {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: {
      name,
      namespace,
      annotations: { 'k8s.v1.cni.cncf.io/resourceName': `${prefix}/${p.resourceName}` },
    },
    spec: { config: JSON.stringify(config) },
  };
}
