import type { z } from '@hono/zod-openapi';
import type { DeviceSpec, Host, Network, PfRecord, Token, VfRecord } from '../core/fleet/model.js';
import { hostHealth } from '../core/fleet/model.js';
import type { InstanceView, PortView, ReportedPf } from '../core/fleet/store.js';
import type { networkSchema, specSchema } from './schemas/catalog.js';
import type { hostDetailSchema, hostSchema, tokenSchema } from './schemas/hosts.js';
import type { instanceSchema, portSchema } from './schemas/instances.js';

/** Records -> the JSON the API documents (plain, mutable copies the schemas type). */

export const VF_PORT_NOTE =
  'VF traffic bypasses the host bridge: security groups cannot apply; spoof checking is the only filter';

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
});

export function hostDetailOut(
  h: Host,
  staleBefore: string,
  pfs: readonly PfRecord[],
  vfs: readonly VfRecord[],
): z.infer<typeof hostDetailSchema> {
  return {
    ...hostOut(h, staleBefore),
    findings: [...h.findings],
    pfs: pfs.map((pf) => ({
      ...pfFields(pf),
      spec: pf.specId,
      vfs: vfs
        .filter((v) => v.pfId === pf.id)
        .map((v) => ({
          index: v.index,
          pciAddress: v.pciAddress,
          state: v.state,
          dirty: v.dirty,
          physnet: v.physnet,
          trusted: v.trusted,
          portId: v.portId,
          reservedUntil: v.reservedUntil,
          note: v.note,
        })),
    })),
  };
}

export const portOut = (p: PortView): z.infer<typeof portSchema> => ({
  id: p.id,
  tenant: p.tenant,
  instanceId: p.instanceId,
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
  note: p.vnicType === 'normal' ? 'not a VF port' : VF_PORT_NOTE,
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
export function pfFields(pf: Omit<ReportedPf, 'vfs'>): Omit<ReportedPf, 'vfs'> {
  return {
    pciAddress: pf.pciAddress,
    ifname: pf.ifname,
    vendorId: pf.vendorId,
    deviceId: pf.deviceId,
    driver: pf.driver,
    totalVfs: pf.totalVfs,
    numVfs: pf.numVfs,
    numaNode: pf.numaNode,
  };
}
