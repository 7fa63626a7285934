/**
 * How libvirt is reached on a host, as its agent reports it. Kept with the
 * libvirt code (not the fleet model) because the migration checks read it
 * too, and they must not depend on the fleet folder that stores them.
 */
export const HYPERVISOR_KINDS = ['virsh', 'render-only'] as const;
export type HypervisorKind = (typeof HYPERVISOR_KINDS)[number];

/**
 * The domain type libvirt can start on a host: `kvm` where the CPU's
 * virtualisation is there (/dev/kvm), `qemu` (software emulation, TCG) where
 * it is not, as inside a lab guest or a VM without nested virtualisation.
 */
export const VIRT_TYPES = ['kvm', 'qemu'] as const;
export type VirtType = (typeof VIRT_TYPES)[number];

export interface HypervisorFacts {
  /** null before the agent said (an agent that does not drive libvirt). */
  readonly kind: HypervisorKind | null;
  /** libvirt URI other hosts migrate to (`qemu+ssh://host-b/system`). */
  readonly migrationUri: string | null;
  /** Why the agent only renders, when it does. */
  readonly reason: string | null;
  /** What libvirt offers there; absent or null (older agents, render-only): kvm is assumed. */
  readonly virtType?: VirtType | null;
}

export const NO_HYPERVISOR: HypervisorFacts = { kind: null, migrationUri: null, reason: null };
