import type { HostDetailView, PhysnetView, SpecView } from '../api/answers.js';
import type { ExportFleet, ExportHost } from '../core/exports/export-fleet.js';
import { vfDeviceIdFor } from '../core/exports/vf-device-ids.js';

/**
 * The exports' input from the API's answers: each host's map
 * (`GET /v1/hosts/{id}`), the specs (a PF's bandwidth is its governing
 * spec's) and the physnets. Pure, so it is tested without a controller.
 */
export function exportFleetFrom(
  hosts: readonly HostDetailView[],
  specs: readonly SpecView[],
  physnets: readonly PhysnetView[],
): ExportFleet {
  const specById = new Map(specs.map((s) => [s.id, s]));
  return {
    hosts: hosts.map((h): ExportHost => ({
      name: h.id,
      pfs: h.pfs.map((pf) => ({
        pciAddress: pf.pciAddress,
        ifname: pf.ifname,
        vendorId: pf.vendorId.toLowerCase(),
        deviceId: pf.deviceId.toLowerCase(),
        vfDeviceId: vfDeviceIdFor(pf.vendorId, pf.deviceId),
        driver: pf.driver,
        numaNode: pf.numaNode,
        totalVfs: pf.totalVfs,
        // As scanned: a spec's declared mode may not be applied yet, and the
        // consumers configure for the mode the NIC is in.
        eswitchMode: pf.eswitchMode,
        whole: pf.whole === null ? null : { owner: pf.whole.owner, physnet: pf.whole.physnet },
        bandwidth: (pf.spec === null ? undefined : specById.get(pf.spec))?.bandwidth ?? null,
        vfs: pf.vfs.map((vf) => ({
          index: vf.index,
          pciAddress: vf.pciAddress,
          owner: vf.owner,
          physnet: vf.physnet,
          trusted: vf.trusted,
          // Bound at the last scan, else the one the governing spec has the agent bind.
          driver:
            vf.driver ?? (pf.spec === null ? undefined : specById.get(pf.spec))?.vfDriver ?? null,
          vdpaDev: vf.vdpaDev,
        })),
      })),
    })),
    physnets: physnets.map((p) => ({
      name: p.name,
      vlanRanges: p.vlanRanges.map((r) => ({ min: r.min, max: r.max })),
    })),
  };
}
