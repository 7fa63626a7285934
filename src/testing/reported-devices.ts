import type { PfLink, ReportedVfDetails } from '../core/fleet/model.js';

/** What an agent from before the host map's device details reports: nothing, kept as null. */
export const NO_LINK: PfLink = { state: null, adminUp: null, speedMbps: null };
export const NOT_REPORTED: ReportedVfDetails = {
  driver: null,
  iommuGroup: null,
  netdev: null,
  vdpaDev: null,
  representor: null,
};
