import type { z } from '@hono/zod-openapi';
import type { DeviceSpec, Host, Network, PfRecord, Token, VfRecord } from '../core/fleet/model.js';
import type { EswitchMode } from '../core/vocabulary.js';
import { hostHealth } from '../core/fleet/model.js';
import { distinctOwners } from '../core/fleet/spec-owners.js';
import type { InstanceView } from '../core/fleet/claim-store.js';
import type { PortHolder, ReportedPf } from '../core/fleet/host-store.js';
import type { PortView } from '../core/fleet/catalog-store.js';
import type { networkSchema, specSchema } from '../api/schemas/catalog.js';
import type { hostDetailSchema, hostSchema, tokenSchema } from '../api/schemas/hosts.js';
import type { instanceSchema, portSchema } from '../api/schemas/instances.js';
import type { vmSchema } from '../api/schemas/vms.js';
import type { VmRecord } from '../core/fleet/vm-store.js';
import { domainName, RENDERED_NOTE, shownVmState } from '../core/fleet/vm-domain.js';

/** Records -> the JSON the API documents (plain, mutable copies the schemas type). */

export const VF_PORT_NOTE =
  'VF traffic bypasses the host bridge: security groups cannot apply; spoof checking is the only filter';

export const WHOLE_PF_PORT_NOTE =
  "the whole PF is handed to the guest: no host filter applies (no security groups, no spoof checking), the guest uses the PF's own MAC, and the network's VLAN is not set by the host (tag it in the guest or on the switch port)";

const portNote = (vnicType: PortView['vnicType']): string =>
  vnicType === 'normal'
    ? 'not a VF port'
    : vnicType === 'direct-physical'
      ? WHOLE_PF_PORT_NOTE
      : VF_PORT_NOTE;

export const hostOut = (h: Host, staleBefore: string): z.infer<typeof hostSchema> => ({
  id: h.id,
  labels: { ...h.labels },
  health: hostHealth(h, staleBefore),
  ready: h.ready,
  lastSeen: h.lastSeen,
  desiredGeneration: h.desiredGeneration,
  appliedGeneration: h.appliedGeneration,
  lastApplyMessage: h.lastApplyMessage,
  numaNodes: h.numaNodes.map((n) => ({ ...n })),
  memoryMb: h.memoryMb,
  cordon: h.cordon === null ? null : { ...h.cordon },
});

/** The host map: PFs with their governing spec, VFs with who holds them (instance, network, MAC, VLAN). */
export function hostDetailOut(
  h: Host,
  staleBefore: string,
  devices: {
    pfs: readonly PfRecord[];
    vfs: readonly VfRecord[];
    holders: readonly PortHolder[];
    specs: readonly DeviceSpec[];
  },
): Omit<z.infer<typeof hostDetailSchema>, 'allocation' | 'drain'> {
  const { pfs, vfs } = devices;
  const holders = new Map(devices.holders.map((x) => [x.portId, x]));
  const specs = new Map(devices.specs.map((s) => [s.id, s]));
  const holderOf = (portId: string | null) => (portId === null ? undefined : holders.get(portId));
  // The port's VF settings, as the agent is told to apply them; null while no port holds the VF.
  const settings = (portId: string | null) => {
    const x = holderOf(portId);
    return {
      spoofchk: x?.spoofchk ?? null,
      maxTxRate: x?.maxTxRate ?? null,
      minTxRate: x?.minTxRate ?? null,
    };
  };
  const held = (portId: string | null) => {
    const x = holderOf(portId);
    return {
      instance: x?.instance ?? null,
      instanceId: x?.instanceId ?? null,
      tenant: x?.tenant ?? null,
      network: x?.network ?? null,
      mac: x?.mac ?? null,
      vlan: x?.vlan ?? null,
      configured: x === undefined ? null : h.appliedGeneration >= x.pendingGeneration,
    };
  };
  return {
    ...hostOut(h, staleBefore),
    findings: [...h.findings],
    pfs: pfs.map((pf) => ({
      ...pfFields(pf),
      link: { ...pf.link },
      spec: pf.specId,
      specName: pf.specId === null ? null : (specs.get(pf.specId)?.name ?? null),
      declaredVfs: declaredVfs(pf, pf.specId === null ? undefined : specs.get(pf.specId)),
      whole: pf.whole === null ? null : { ...pf.whole, ...held(pf.whole.portId) },
      owners: distinctOwners([
        pf.whole?.owner ?? null,
        ...vfs.filter((v) => v.pfId === pf.id).map((v) => v.owner),
      ]),
      vfs: vfs
        .filter((v) => v.pfId === pf.id)
        .map((v) => ({
          index: v.index,
          pciAddress: v.pciAddress,
          state: v.state,
          dirty: v.dirty,
          physnet: v.physnet,
          trusted: v.trusted,
          owner: v.owner,
          portId: v.portId,
          reservedUntil: v.reservedUntil,
          note: v.note,
          ...v.reported,
          ...held(v.portId),
          ...settings(v.portId),
        })),
    })),
  };
}

/** What the agent makes of the PF: as desiredHostState decides (a PF held whole keeps none). */
function declaredVfs(pf: PfRecord, spec: DeviceSpec | undefined): number | null {
  if (spec?.wholePf === true || (pf.whole !== null && pf.whole.portId !== null)) return 0;
  return spec === undefined ? null : spec.numVfs;
}

export const portOut = (p: PortView): z.infer<typeof portSchema> => ({
  id: p.id,
  tenant: p.tenant,
  instanceId: p.instanceId,
  instance: p.instance,
  network: p.network,
  networkId: p.networkId,
  physnet: p.physnet,
  vlan: p.vlan,
  vnicType: p.vnicType,
  mac: p.mac,
  trusted: p.trusted,
  spoofchk: p.spoofchk,
  maxTxRate: p.maxTxRate,
  minTxRate: p.minTxRate,
  host: p.hostId,
  pciAddress: p.pciAddress,
  pf: p.pf,
  vfIndex: p.vfIndex,
  note: portNote(p.vnicType),
});

export const instanceOut = (i: InstanceView): z.infer<typeof instanceSchema> => ({
  id: i.id,
  name: i.name,
  tenant: i.tenant,
  host: i.hostId,
  state: i.state,
  vcpus: i.vcpus,
  memoryMb: i.memoryMb,
  numaPolicy: i.numaPolicy,
  numaNode: i.numaNode,
  hostLabels: { ...i.hostLabels },
  createdAt: i.createdAt,
  ports: i.ports.map(portOut),
});

export const tokenOut = (t: Token): z.infer<typeof tokenSchema> => ({ ...t });
export const specOut = (s: DeviceSpec): z.infer<typeof specSchema> => ({ ...s });
export const networkOut = (n: Network): z.infer<typeof networkSchema> => ({ ...n });

/** The PF fields an agent reports and the API shows back, in one place. */
export function pfFields(
  pf: Omit<ReportedPf, 'vfs' | 'link' | 'eswitchMode'> & {
    eswitchMode?: EswitchMode | null | undefined;
  },
): Omit<ReportedPf, 'vfs' | 'link'> {
  return {
    pciAddress: pf.pciAddress,
    ifname: pf.ifname,
    vendorId: pf.vendorId,
    deviceId: pf.deviceId,
    driver: pf.driver,
    totalVfs: pf.totalVfs,
    numVfs: pf.numVfs,
    numaNode: pf.numaNode,
    eswitchMode: pf.eswitchMode ?? null,
  };
}

/** The instance's domain as the API shows it; null when it was not booted. */
export function vmOut(i: InstanceView, vm: VmRecord | null): z.infer<typeof vmSchema> | null {
  if (vm === null) return null;
  // Rows stored before `rendered` existed say running: shown true all the same.
  const state = shownVmState(vm.state, vm.hypervisor);
  return {
    domain: domainName(i),
    desired: vm.desired,
    state,
    stateNote: state === 'rendered' ? RENDERED_NOTE : null,
    message: vm.message,
    hypervisor: vm.hypervisor,
    domainPolicy: vm.boot.policy ?? 'tenant',
  };
}
