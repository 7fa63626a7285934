/**
 * The API's answers as the CLI reads them (docs/controller.md, /openapi.json).
 * Declared here because the CLI layer never imports src/controller; only
 * the fields the tables show are listed, json/yaml print everything.
 */

export interface HostView {
  id: string;
  labels: Record<string, string>;
  health: string;
  ready: boolean;
  lastSeen: string | null;
  desiredGeneration: number;
  appliedGeneration: number;
  lastApplyMessage: string | null;
  numaNodes: { node: number; socket: number; cpus: number }[];
  memoryMb: number | null;
}

/** Who holds a VF or whole PF (the host map); all null while none does. */
export interface HolderView {
  instance?: string | null;
  tenant?: string | null;
  network?: string | null;
  mac?: string | null;
  vlan?: number | null;
  /** Held: whether the agent applied the port's settings. */
  configured?: boolean | null;
}

export interface VfView extends HolderView {
  index: number;
  pciAddress: string;
  state: string;
  dirty: boolean;
  physnet: string | null;
  trusted: boolean;
  portId: string | null;
  note: string | null;
}

export interface HostDetailView extends HostView {
  irqPins?: {
    changed: number;
    alreadyRight: number;
    failed: number;
    skipped: number;
    lines: string[];
    at: string;
  } | null;
  findings: { severity?: string; id?: string; title?: string; subject?: string }[];
  pfs: {
    pciAddress: string;
    ifname: string | null;
    driver: string | null;
    totalVfs: number;
    numVfs: number;
    numaNode: number | null;
    spec: string | null;
    specName?: string | null;
    /** VFs the governing spec declares; null when none governs the PF. */
    declaredVfs?: number | null;
    /** Set when the PF itself is offered or held whole (direct-physical). */
    whole:
      | (HolderView & {
          physnet: string | null;
          state: string;
          dirty: boolean;
          portId: string | null;
          note: string | null;
        })
      | null;
    vfs: VfView[];
  }[];
}

export interface SpecView {
  id: string;
  name: string;
  vendor: string | null;
  device: string | null;
  driver: string | null;
  pciAddress: string | null;
  pf: string | null;
  physnet: string;
  trusted: boolean;
  numVfs: number;
  vfDriver: string;
  wholePf: boolean;
}

export interface PhysnetView {
  name: string;
  vlanRanges: { min: number; max: number }[];
}

export interface NetworkView {
  id: string;
  name: string;
  tenant: string;
  physnet: string;
  vlan: number;
}

export interface PortView {
  id: string;
  tenant: string;
  instanceId: string | null;
  /** The instance's name. */
  instance?: string | null;
  network: string;
  vlan: number;
  vnicType: string;
  /** null for direct-physical (the guest uses the PF's own MAC). */
  mac: string | null;
  trusted: boolean;
  spoofchk: boolean;
  maxTxRate: number;
  minTxRate: number;
  host: string | null;
  pciAddress: string | null;
  pf: string | null;
  vfIndex: number | null;
  note: string;
}

export interface InstanceView {
  id: string;
  name: string;
  tenant: string;
  host: string | null;
  state: string;
  vcpus: number;
  memoryMb: number;
  numaPolicy: string;
  numaNode: number | null;
  hostLabels: Record<string, string>;
  createdAt: string;
  ports: PortView[];
  /** Only on one instance (show, create, delete): its libvirt domain. */
  vm?: VmView | null;
}

export interface VmView {
  domain: string;
  desired: 'running' | 'absent';
  state: string | null;
  /** Absent from older controllers. */
  stateNote?: string | null;
  message: string | null;
  hypervisor: string | null;
}

export interface DomainXmlView {
  domain: string;
  xml: string;
  placement: { policy: string; nodes: number[]; cpus: number[]; memoryMode: string } | null;
}

export interface MigrationView {
  id: string;
  instanceId: string;
  source: string;
  target: string;
  state: 'running' | 'done' | 'rolled-back' | 'needs-attention';
  report: {
    /** `render-only`: the definition and VF ports moved, no VM ran; absent from older controllers. */
    mode?: 'live' | 'render-only';
    progress?: { step?: string; status?: string; detail?: string }[];
    attention?: string[];
    error?: { message: string } | null;
    failedStep?: string | null;
  } | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface TokenView {
  id: string;
  name: string;
  role: string;
  tenant: string | null;
  host: string | null;
  domainPolicy?: string;
  createdAt: string;
  token?: string;
}

export type QuotaLimit = number | 'unlimited';

export interface TenantQuotaView {
  tenant: string;
  instances: QuotaLimit | null;
  vfs: QuotaLimit | null;
  networks: QuotaLimit | null;
  vlansPerPhysnet: QuotaLimit | null;
}

export interface QuotaReportView {
  tenant: string;
  overrides: Omit<TenantQuotaView, 'tenant'>;
  instances: { limit: QuotaLimit; usage: number };
  vfs: { limit: QuotaLimit; usage: number };
  networks: { limit: QuotaLimit; usage: number };
  vlansPerPhysnet: { physnet: string; vlans: number; limit: QuotaLimit; usage: number }[];
}
