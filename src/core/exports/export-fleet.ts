import type { EswitchMode, VfOwner } from '../vocabulary.js';

/**
 * What every export (OpenStack, Kubernetes, libvirt) renders from: the fleet
 * as `GET /v1/hosts/{id}`, the specs and the physnets describe it, reduced to
 * the devices and who owns them. Pure data, so each renderer is a pure
 * function of it and its tests need no controller.
 */

/** Who a VF or a whole PF belongs to: the API's owner (`VF_OWNERS`). */
export type ExportOwner = VfOwner;

export interface ExportVf {
  index: number;
  pciAddress: string;
  /** null: no spec governs the VF, so no consumer may take it */
  owner: ExportOwner | null;
  physnet: string | null;
  trusted: boolean;
  /**
   * The driver bound at the agent's last scan (vfio-pci, iavf, ...); null or
   * absent when unknown. The Kubernetes export picks deviceType from it.
   */
  driver?: string | null;
  /**
   * The VF's vDPA device as `/dev/vhost-vdpa-N` (on vhost_vdpa) at the last
   * scan; null or absent when it has none. Only vDPA devices on a VF are
   * here: a software one (vdpasim_net, VDUSE) has no PCI function, and every
   * consumer exported to hands out PCI functions (Nova models a vDPA device
   * by its parent VF and supports no other), so no export can offer it.
   */
  vdpaDev?: string | null;
}

/** A VF with a vDPA device: it serves vDPA consumers only (docs/exports.md). */
export const hasVdpa = (vf: ExportVf): boolean => vf.vdpaDev != null;

/** A PF offered whole (`direct-physical`, OpenStack's `type-PF`). */
export interface ExportWholePf {
  owner: ExportOwner | null;
  physnet: string | null;
}

/** Rates of one PF in Mbit/s, as the governing spec declares them; null: not declared. */
export interface ExportBandwidth {
  egressMbps: number | null;
  ingressMbps: number | null;
}

export interface ExportPf {
  pciAddress: string;
  ifname: string | null;
  /** 4 lower-case hex digits, like the API's `vendorId` ("8086") */
  vendorId: string;
  deviceId: string;
  /**
   * The PCI device id of this PF's VFs ("10ca" for an 82576's "10c9"), from
   * vf-device-ids.ts; null when vfleet does not know the model.
   */
  vfDeviceId: string | null;
  driver: string | null;
  numaNode: number | null;
  totalVfs: number;
  /**
   * The devlink eswitch mode at the last scan; null when the PF has none.
   * In switchdev mode the VFs' traffic goes through their representors
   * (OVS), which changes what OpenStack and Kubernetes need.
   */
  eswitchMode: EswitchMode | null;
  whole: ExportWholePf | null;
  bandwidth: ExportBandwidth | null;
  vfs: ExportVf[];
}

export interface ExportHost {
  /** the host id, as `vfleet hosts` lists it */
  name: string;
  pfs: ExportPf[];
}

export interface ExportPhysnet {
  name: string;
  vlanRanges: { min: number; max: number }[];
}

export interface ExportFleet {
  hosts: ExportHost[];
  physnets: ExportPhysnet[];
}

/** One file of an export, its path relative to the export folder (`HOST/...` for a host's). */
export interface ExportFile {
  path: string;
  text: string;
}
