/**
 * Per-VF settings a PF driver rejects, from the drivers' ndo_set_vf_* code
 * and the lab (igb answers `state` with "Operation not supported"). Not a
 * list of supported NICs: drivers not named here are assumed capable.
 */
export const VF_FEATURES = ['link-state', 'min-tx-rate', 'vlan-802.1ad'] as const;
export type VfFeature = (typeof VF_FEATURES)[number];

export interface VfFeatureLimit {
  readonly feature: VfFeature;
  /** What the operator sees when trying it. */
  readonly note: string;
}

const LINK_STATE: VfFeatureLimit = {
  feature: 'link-state',
  note: 'link state control (ip link set <pf> vf N state ...) is not supported: "RTNETLINK answers: Operation not supported"; the VF link follows the PF',
};
const MIN_RATE: VfFeatureLimit = {
  feature: 'min-tx-rate',
  note: 'min_tx_rate is not supported: "RTNETLINK answers: Invalid argument"; only max_tx_rate works',
};
const QINQ: VfFeatureLimit = {
  feature: 'vlan-802.1ad',
  note: 'VF VLANs with proto 802.1ad are not supported: "RTNETLINK answers: Protocol not supported"; use 802.1Q',
};

export const DRIVER_VF_LIMITS: Readonly<Record<string, readonly VfFeatureLimit[]>> = {
  igb: [LINK_STATE, MIN_RATE, QINQ],
  ixgbe: [MIN_RATE, QINQ],
  i40e: [MIN_RATE, QINQ],
};

export const vfFeatureSupported = (driver: string | null, feature: VfFeature): boolean =>
  !(DRIVER_VF_LIMITS[driver ?? ''] ?? []).some((l) => l.feature === feature);
