import type {
  BaseDomainXml,
  DiskFormat,
  DomainPolicy,
  ClaimedVf,
  DomainTemplate,
  DomainRequest,
  NormalSource,
  DomainPort,
  HugepagesMode,
  NicModel,
} from '../libvirt/domain-request.js';
import type { GuestConfig } from './guest-seed.js';
import { resolveBootImage, resolveSeedIso } from './vm-images.js';
import type { HostRenderFacts } from './host-render-facts.js';
import type { InstanceView } from './claim-store.js';
import type { PortView } from './catalog-store.js';

/** Where a virtio NIC plugs in: a host bridge, or a libvirt network (default: `default`). */
export interface VmNicSource {
  readonly bridge?: string;
  readonly libvirtNetwork?: string;
}

/** libvirt options of one port that the claim itself does not decide. */
export interface VmPortOptions extends VmNicSource {
  /** `normal` ports: the NIC the guest sees (default virtio; igb: an emulated SR-IOV PF). */
  readonly nicModel?: NicModel;
  /**
   * `direct` ports: a virtio NIC with the port's MAC, the persistent half of
   * libvirt's failover pair (id `<port id>-standby`), so the guest keeps its
   * link while the VF is unplugged for live migration.
   */
  readonly standby?: VmNicSource;
  /** Static guest addresses (CIDR) the guest configuration gives this port. */
  readonly addresses?: readonly string[];
}

const sourceOf = (o: VmNicSource): NormalSource =>
  o.bridge !== undefined
    ? { kind: 'bridge', bridge: o.bridge }
    : { kind: 'network', network: o.libvirtNetwork ?? 'default' };

export const standbyId = (portId: string): string => `${portId}-standby`;

/** How an instance boots: what `POST /v1/instances` was given under `boot`. */
export interface VmBoot {
  /** The template's `diskImage` and the XML's `disk` are filled from `image` when rendering. */
  readonly base: DomainTemplate | BaseDomainXml;
  /** By port id. */
  readonly ports: Readonly<Record<string, VmPortOptions>>;
  /**
   * The boot disk: an image name of the host's image store, or (trusted
   * tokens only) an absolute host path; the format is pinned at creation.
   */
  readonly image?: { readonly ref: string; readonly format?: DiskFormat };
  /** The domain policy of the token that created it; absent (older records): tenant. */
  readonly policy?: DomainPolicy;
  /**
   * Guest memory on hugepages; `auto` only until the instance is placed,
   * then pinned to `on` or `off` (vm-hugepages.ts), so a later render (a
   * migration, `instance xml`) never changes what the guest was given.
   */
  readonly hugepages?: HugepagesMode;
  /** The cloud-init seed the guest is handed (guest-seed.ts); absent: none. */
  readonly guestConfig?: GuestConfig;
}

/** What the controller wants of an instance's domain: running, or gone (being deleted). */
export const VM_DESIRED = ['running', 'absent'] as const;
export type VmDesired = (typeof VM_DESIRED)[number];

/**
 * `rendered`: the host has no libvirt (render-only); the domain is defined
 * there but no VM runs. Agents report `running` for it (they mimic libvirt);
 * the controller says what is true (`shownVmState`).
 */
export const VM_STATES = [
  'running',
  'rendered',
  'paused',
  'shut-off',
  'absent',
  'failed',
  'other',
] as const;
export type VmState = (typeof VM_STATES)[number];

/** What `rendered` means, for every output that shows the state. */
export const RENDERED_NOTE = 'render-only host: the domain is defined, no VM runs';

/**
 * A domain's state as the API shows it: a render-only host's "running"
 * domain is only a definition (no VM runs), so it is `rendered`, never
 * `running`.
 */
export function shownVmState<S extends VmState | null>(
  state: S,
  hypervisor: string | null,
): S | 'rendered' {
  return hypervisor === 'render-only' && (state === 'running' || state === 'paused')
    ? 'rendered'
    : state;
}

/** The libvirt domain name: readable, and unique on a host whatever the tenants call things. */
export const domainName = (inst: { readonly name: string; readonly id: string }): string =>
  `${inst.name}-${inst.id.slice(0, 8)}`;

/**
 * The VF at `address` as the host reported it; one it has not reported yet
 * is known by address only (the checks then say what is missing).
 */
export const vfAt = (facts: HostRenderFacts, address: string | null): ClaimedVf =>
  (address === null ? undefined : facts.vfs[address]) ?? {
    pciAddress: address,
    pfIfname: null,
    vfIndex: null,
    netdev: null,
    driverKind: 'none',
    vdpaDevice: null,
    iommuGroup: null,
    numaNode: null,
  };

/**
 * The renderers' input for a claimed instance on its host. `vfFor` swaps in
 * other VFs by port id (a migration's target VFs); without it each port's
 * own VF is looked up in the host's facts.
 */
export function domainRequestOf(
  inst: InstanceView,
  boot: VmBoot,
  facts: HostRenderFacts,
  vfFor: ReadonlyMap<string, ClaimedVf> = new Map(),
): DomainRequest {
  const port = (p: PortView): DomainPort[] => {
    const o = boot.ports[p.id] ?? {};
    const mac = p.mac ?? '';
    switch (p.vnicType) {
      case 'normal':
        // A Linux bridge port cannot be tagged by libvirt; the bridge decides the VLAN.
        return [
          {
            id: p.id,
            vnicType: 'normal',
            mac,
            vlan: 0,
            source: sourceOf(o),
            ...(o.nicModel === undefined ? {} : { model: o.nicModel }),
          },
        ];
      case 'direct-physical': {
        const addr = p.pciAddress;
        const pf = addr === null ? undefined : facts.pfs[addr];
        return [
          {
            id: p.id,
            vnicType: 'direct-physical',
            pf: pf ?? { pciAddress: addr, ifname: null, iommuGroup: null, numaNode: null },
          },
        ];
      }
      default: {
        const vf = vfFor.get(p.id) ?? vfAt(facts, p.pciAddress);
        // libvirt refuses a <vlan> on a vdpa interface when the domain starts; the
        // agent tags the VF itself through its PF, as for every VF a port holds.
        const vlan = p.vnicType === 'vdpa' ? 0 : p.vlan;
        const own: DomainPort = { id: p.id, vnicType: p.vnicType, mac, vlan, vf };
        if (o.standby === undefined || p.vnicType !== 'direct') return [own];
        const standby: DomainPort = {
          id: standbyId(p.id),
          vnicType: 'normal',
          mac,
          vlan: 0,
          source: sourceOf(o.standby),
          standbyFor: p.id,
        };
        return [standby, own];
      }
    }
  };
  const disk = resolveBootImage(boot, inst.hostId ?? '?', facts.images);
  const seedIso = resolveSeedIso(boot, inst.hostId ?? '?', facts.images, domainName(inst));
  const virtType = facts.hypervisor.virtType ?? 'kvm';
  return {
    name: domainName(inst),
    uuid: inst.id,
    vcpus: inst.vcpus,
    memoryMb: inst.memoryMb,
    numaPolicy: inst.numaPolicy,
    ports: inst.ports.flatMap(port),
    // vfleet's template takes the host's domain type; a user's XML says its own.
    base: disk.base.kind === 'template' ? { ...disk.base, virtType } : disk.base,
    hostNuma: facts.numa,
    policy: boot.policy ?? 'tenant',
    ...(boot.hugepages === 'on' ? { hugepages: true } : {}),
    ...(seedIso === undefined ? {} : { seedIso }),
  };
}
