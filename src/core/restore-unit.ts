/**
 * The systemd unit that puts the declared SR-IOV state back at boot
 * (`sriov_numvfs` does not survive a reboot). It runs after kernel modules
 * load and before networking and libvirt start, so VMs and network
 * configuration only ever see configured VFs.
 */
export const RESTORE_UNIT_NAME = 'vfleet-restore.service';
export const RESTORE_UNIT_PATH = `/etc/systemd/system/${RESTORE_UNIT_NAME}`;
export const SAVED_STATE_PATH = '/etc/vfleet/host-state.yaml';

export interface RestoreUnitPaths {
  /** Absolute path of the node binary. */
  readonly nodePath: string;
  /** Absolute path of the vfleet launcher script. */
  readonly vfleetBin: string;
}

/** systemd splits ExecStart on blanks; quote paths that carry any. */
const arg = (p: string): string => (/[\s"\\]/.test(p) ? `"${p.replace(/(["\\])/g, '\\$1')}"` : p);

export function renderRestoreUnit(paths: RestoreUnitPaths): string {
  return `# Written by vfleet host install-boot. Restores ${SAVED_STATE_PATH} at boot.
[Unit]
Description=vfleet: restore declared SR-IOV state (VF counts, drivers, VF settings)
After=systemd-modules-load.service systemd-udev-trigger.service local-fs.target
Before=network-pre.target libvirtd.service virtqemud.service
Wants=network-pre.target
ConditionPathExists=${SAVED_STATE_PATH}

[Service]
Type=oneshot
ExecStart=${arg(paths.nodePath)} ${arg(paths.vfleetBin)} host restore
RemainAfterExit=yes
# Bounded: a VF that never appears must not hold the boot forever.
TimeoutStartSec=5min

[Install]
WantedBy=multi-user.target
`;
}
