/**
 * How libvirt is reached on a host, as its agent reports it. Kept with the
 * libvirt code (not the fleet model) because the migration checks read it
 * too, and they must not depend on the fleet folder that stores them.
 */
export const HYPERVISOR_KINDS = ['virsh', 'render-only'] as const;
export type HypervisorKind = (typeof HYPERVISOR_KINDS)[number];

export interface HypervisorFacts {
  /** null before the agent said (an agent that does not drive libvirt). */
  readonly kind: HypervisorKind | null;
  /** libvirt URI other hosts migrate to (`qemu+ssh://host-b/system`). */
  readonly migrationUri: string | null;
  /** Why the agent only renders, when it does. */
  readonly reason: string | null;
}

export const NO_HYPERVISOR: HypervisorFacts = { kind: null, migrationUri: null, reason: null };
