import type { Selectable } from 'kysely';
import type {
  DeviceSpec,
  Host,
  SpecBandwidth,
  Instance,
  InstanceState,
  Network,
  PfRecord,
  Port,
  Token,
  TokenRole,
  VfRecord,
  WholePf,
} from '../../core/fleet/model.js';
import { INSTANCE_STATES, TOKEN_ROLES } from '../../core/fleet/model.js';
import { DOMAIN_POLICIES, type DomainPolicy } from '../../core/libvirt/domain-request.js';
import { VfleetError } from '../../core/errors.js';
import type { EswitchMode, NumaPolicy, VfOwner, VfState, VnicType } from '../../core/vocabulary.js';
import {
  ESWITCH_MODES,
  NUMA_POLICIES,
  VF_OWNERS,
  VF_STATES,
  VNIC_TYPES,
  isOneOf,
} from '../../core/vocabulary.js';
import type { Database } from './db-types.js';

/** Row -> record mappers; closed sets are checked, never cast. */

type Row<T extends keyof Database> = Selectable<Database[T]>;

export const iso = (d: Date | string): string =>
  (typeof d === 'string' ? new Date(d) : d).toISOString();
const isoOrNull = (d: Date | string | null): string | null => (d === null ? null : iso(d));

export function closed<T extends string>(set: readonly T[], v: string, what: string): T {
  if (isOneOf(set, v)) return v;
  throw new VfleetError('INTERNAL', `database holds an unknown ${what} "${v}"`);
}

const ownerOrNull = (v: string | null): VfOwner | null =>
  v === null ? null : closed<VfOwner>(VF_OWNERS, v, 'VF owner');

export const toToken = (r: Row<'tokens'>): Token => ({
  id: r.id,
  name: r.name,
  role: closed<TokenRole>(TOKEN_ROLES, r.role, 'token role'),
  tenant: r.tenant,
  host: r.host,
  domainPolicy: closed<DomainPolicy>(DOMAIN_POLICIES, r.domain_policy, 'domain policy'),
  createdAt: iso(r.created_at),
});

export const toHost = (r: Row<'hosts'>): Host => ({
  id: r.id,
  labels: r.labels,
  reportedHealthy: r.healthy,
  lastSeen: isoOrNull(r.last_seen),
  desiredGeneration: r.desired_generation,
  specGeneration: r.spec_generation,
  appliedGeneration: r.applied_generation,
  ready: r.applied_generation >= r.spec_generation,
  numaNodes: r.numa_nodes,
  memoryMb: r.memory_mb,
  lastApplyMessage: r.last_apply_message,
  findings: r.findings,
  reportDigest: r.report_digest,
  cordon: r.cordoned
    ? { reason: r.cordon_reason, since: iso(r.cordoned_at ?? r.created_at) }
    : null,
});

export const toPf = (r: Row<'pfs'>): PfRecord => ({
  id: r.id,
  hostId: r.host_id,
  pciAddress: r.pci_address,
  ifname: r.ifname,
  vendorId: r.vendor_id,
  deviceId: r.device_id,
  driver: r.driver,
  totalVfs: r.total_vfs,
  numVfs: r.num_vfs,
  numaNode: r.numa_node,
  link: { state: r.link_state, adminUp: r.admin_up, speedMbps: r.speed_mbps },
  eswitchMode:
    r.eswitch_mode === null
      ? null
      : closed<EswitchMode>(ESWITCH_MODES, r.eswitch_mode, 'eswitch mode'),
  specId: r.spec_id,
  whole: toWholePf(r),
});

/** The whole-PF side of a PF row: null while the PF is neither offered nor held whole. */
function toWholePf(r: Row<'pfs'>): WholePf | null {
  if (r.physnet === null && r.port_id === null && r.state === 'free') return null;
  return {
    physnet: r.physnet,
    owner: ownerOrNull(r.owner),
    state: closed<VfState>(VF_STATES, r.state, 'PF state'),
    dirty: r.dirty,
    portId: r.port_id,
    reservedUntil: isoOrNull(r.reserved_until),
    note: r.note,
  };
}

export const toVf = (r: Row<'vfs'>): VfRecord => ({
  id: r.id,
  pfId: r.pf_id,
  hostId: r.host_id,
  index: r.vf_index,
  pciAddress: r.pci_address,
  numaNode: r.numa_node,
  state: closed<VfState>(VF_STATES, r.state, 'VF state'),
  dirty: r.dirty,
  physnet: r.physnet,
  trusted: r.trusted,
  owner: ownerOrNull(r.owner),
  portId: r.port_id,
  reservedUntil: isoOrNull(r.reserved_until),
  note: r.note,
  reported: {
    driver: r.driver,
    iommuGroup: r.iommu_group,
    netdev: r.netdev,
    vdpaDev: r.vdpa_dev,
    representor: r.representor,
  },
});

export const toSpec = (r: Row<'device_specs'>): DeviceSpec => ({
  id: r.id,
  name: r.name,
  vendor: r.vendor,
  device: r.device,
  driver: r.driver,
  pciAddress: r.pci_address,
  pf: r.pf,
  physnet: r.physnet,
  trusted: r.trusted,
  numVfs: r.num_vfs,
  vfDriver: r.vf_driver,
  wholePf: r.whole_pf,
  owner: closed<VfOwner>(VF_OWNERS, r.owner, 'spec owner'),
  bandwidth: toBandwidth(r.bandwidth),
  eswitchMode:
    r.eswitch_mode === null
      ? null
      : closed<EswitchMode>(ESWITCH_MODES, r.eswitch_mode, 'eswitch mode'),
  vdpa: r.vdpa,
  createdAt: iso(r.created_at),
});

/** The bandwidth column's JSON (a string on some drivers), checked field by field. */
function toBandwidth(v: unknown): SpecBandwidth | null {
  const o: unknown = typeof v === 'string' ? JSON.parse(v) : v;
  if (o === null || o === undefined) return null;
  const num = (x: unknown) => (typeof x === 'number' ? x : null);
  if (typeof o !== 'object') throw new VfleetError('INTERNAL', 'database holds a bad bandwidth');
  const b = o as Record<string, unknown>;
  return { egressMbps: num(b.egressMbps), ingressMbps: num(b.ingressMbps) };
}

export const toNetwork = (r: Row<'networks'>): Network => ({
  id: r.id,
  name: r.name,
  tenant: r.tenant,
  physnet: r.physnet,
  vlan: r.vlan,
});

export const toPort = (r: Row<'ports'>): Port & { vfId: null } => ({
  id: r.id,
  tenant: r.tenant,
  networkId: r.network_id,
  instanceId: r.instance_id,
  vnicType: closed<VnicType>(VNIC_TYPES, r.vnic_type, 'vnic type'),
  mac: r.mac,
  trusted: r.trusted,
  spoofchk: r.spoofchk,
  maxTxRate: r.max_tx_rate,
  minTxRate: r.min_tx_rate,
  vfId: null,
});

export const toInstance = (r: Row<'instances'>): Instance => ({
  id: r.id,
  name: r.name,
  tenant: r.tenant,
  hostId: r.host_id,
  state: closed<InstanceState>(INSTANCE_STATES, r.state, 'instance state'),
  vcpus: r.vcpus,
  memoryMb: r.memory_mb,
  numaPolicy: closed<NumaPolicy>(NUMA_POLICIES, r.numa_policy, 'NUMA policy'),
  numaNode: r.numa_node,
  hostLabels: r.host_labels,
  createdAt: iso(r.created_at),
});

/** PostgreSQL's unique_violation, as pg and PGlite both report it. */
export function uniqueViolation(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return null;
  const code = 'code' in e ? e.code : undefined;
  const constraint = 'constraint' in e ? e.constraint : undefined;
  if (code !== '23505') return null;
  return typeof constraint === 'string' ? constraint : '';
}
