/** Closed sets of the domain, as const tuples with derived unions. */

/** VF link state as `ip link set ... vf N state` takes it. */
export const VF_LINK_STATES = ['auto', 'enable', 'disable'] as const;
export type VfLinkState = (typeof VF_LINK_STATES)[number];

export const VLAN_PROTOCOLS = ['802.1Q', '802.1ad'] as const;
export type VlanProtocol = (typeof VLAN_PROTOCOLS)[number];

/** Who holds a VF: its kernel netdev driver, vfio-pci (for a VM), nobody, or something else. */
export const VF_DRIVER_KINDS = ['kernel', 'vfio', 'none', 'other'] as const;
export type VfDriverKind = (typeof VF_DRIVER_KINDS)[number];

/** Lifecycle of a VF in the fleet inventory (used by the controller). */
export const VF_STATES = ['free', 'reserved', 'allocated', 'quarantined'] as const;
export type VfState = (typeof VF_STATES)[number];

/**
 * Who a VF (or a PF offered whole) is handed to: `vfleet` schedules it for
 * its own instances; the others are consumers that schedule it themselves
 * (OpenStack Nova/Neutron, a Kubernetes device plugin, a libvirt hostdev
 * pool). vfleet creates and configures every one, but claims only its own.
 */
export const VF_OWNERS = ['vfleet', 'openstack', 'kubernetes', 'libvirt-pool'] as const;
export type VfOwner = (typeof VF_OWNERS)[number];

export const VNIC_TYPES = ['normal', 'direct', 'direct-physical', 'macvtap', 'vdpa'] as const;
export type VnicType = (typeof VNIC_TYPES)[number];

export const NUMA_POLICIES = ['required', 'preferred', 'legacy', 'socket'] as const;
export type NumaPolicy = (typeof NUMA_POLICIES)[number];

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const VFIO_DRIVER = 'vfio-pci';

/**
 * Kernel VF netdev driver for each PF driver, used when a state names
 * `vfDriver: kernel`. Not a "supported NIC" list: unknown PF drivers still
 * work, the operator then names the VF driver explicitly.
 */
export const KERNEL_VF_DRIVER_BY_PF_DRIVER: Readonly<Record<string, string>> = {
  igb: 'igbvf',
  ixgbe: 'ixgbevf',
  i40e: 'iavf',
  ice: 'iavf',
  mlx5_core: 'mlx5_core',
  bnxt_en: 'bnxt_en',
  qede: 'qede',
  be2net: 'be2net',
};

/** The vDPA bus driver that gives a device its `/dev/vhost-vdpa-N` (for VMs). */
export const VHOST_VDPA = 'vhost_vdpa';

/** devlink eswitch modes vfleet sets and reads. */
export const ESWITCH_MODES = ['legacy', 'switchdev'] as const;
export type EswitchMode = (typeof ESWITCH_MODES)[number];

/**
 * How a PF driver takes an eswitch mode change (docs/host-state.md):
 * `no-vfs`, only while the PF has no VF (ice, and any driver not listed: the
 * order every driver accepts); `vfs-unbound`, with its VFs created but bound
 * to no driver (mlx5_core, as NVIDIA and the SR-IOV network operator do it);
 * `any`, whenever (netdevsim).
 */
export const ESWITCH_ORDERS = ['no-vfs', 'vfs-unbound', 'any'] as const;
export type EswitchOrder = (typeof ESWITCH_ORDERS)[number];
export const ESWITCH_ORDER_BY_DRIVER: Readonly<Record<string, EswitchOrder>> = {
  ice: 'no-vfs',
  mlx5_core: 'vfs-unbound',
  netdevsim: 'any',
};
export const eswitchOrder = (driver: string | null): EswitchOrder =>
  (driver === null ? undefined : ESWITCH_ORDER_BY_DRIVER[driver]) ?? 'no-vfs';

/**
 * Drivers that take a VF rate through the PF (`ip link set PF vf N
 * max_tx_rate R`) in legacy mode only: in switchdev mode rates are devlink
 * rate objects, and netdevsim answers EOPNOTSUPP ("Please use devlink API"),
 * seen on the real kernel (src/testing/fixtures/switchdev-capture).
 */
export const LEGACY_ONLY_VF_RATE_DRIVERS: ReadonlySet<string> = new Set(['netdevsim']);

/**
 * Drivers whose eswitch falls back to legacy when the VF count goes to 0 in
 * switchdev mode (netdevsim: nsim_drv_configure_vfs), so a count change
 * through 0 needs the mode set again after it.
 */
export const LEGACY_AT_ZERO_VFS_DRIVERS: ReadonlySet<string> = new Set(['netdevsim']);

/**
 * PF drivers known to register no devlink eswitch: the scan does not ask
 * devlink about their PFs (a process per PF per scan for nothing). Any other
 * driver is asked, so a new switchdev-capable driver is seen without a change here.
 */
export const NO_ESWITCH_DRIVERS: ReadonlySet<string> = new Set(['igb', 'ixgbe', 'i40e', 'be2net']);

/** Doctor finding severities, ordered from worst to best; the table groups and sorts by this order. */
export const FINDING_SEVERITIES = ['error', 'warning', 'info', 'ok'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** The checks doctor runs; knowledge-base entries point at them. */
export const DOCTOR_CHECKS = [
  'inventory',
  'iommu',
  'iommu-pt',
  'iommu-groups',
  'vfio-pci',
  'sriov-firmware',
  'sriov-totalvfs',
  'pf-driver',
  'pf-down',
  'pf-bridge',
  'vf-driver',
  'driver-vf-features',
  'pf-cpus',
  'pf-numa',
  'switchdev',
  'vdpa',
  'kernel-log',
] as const;
export type DoctorCheckId = (typeof DOCTOR_CHECKS)[number];

export const isOneOf = <T extends string>(set: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (set as readonly string[]).includes(v);

/** Log levels, quietest last (`--log-level`). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How log lines are written (`--log-format`): JSON lines, or readable for a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
