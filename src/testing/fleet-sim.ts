import type { EswitchMode } from '../core/vocabulary.js';
import type { Harness, Json } from './controller-harness.js';

/** What the helpers below need: an in-process harness, or a controller over HTTP (http-fleet.ts). */
export type FleetApi = Pick<Harness, 'call' | 'token' | 'admin'>;

/** A simulated host as an agent reports it: PFs of 8086:1521 (igb) with VFs. */
export interface SimHostSpec {
  readonly name: string;
  readonly pfs: number;
  readonly vfsPerPf: number;
  readonly labels?: Record<string, string>;
  /** NUMA node of each PF (default: PF i on node i % 2). */
  readonly pfNuma?: (i: number) => number | null;
  readonly cpusPerNode?: number;
  /** NUMA nodes the host reports (default 2, node i on socket i). */
  readonly numaNodes?: number;
  /** Free 2 MiB hugepages each node reports (of 4096 reserved); default: none reserved. */
  readonly hugepagesFree?: (node: number) => number;
  /**
   * The driver every VF is reported bound to: a kernel driver (igbvf) gives
   * each VF a netdev, vfio-pci none. Default: VFs reported without driver
   * facts, as agents before driver reporting did.
   */
  readonly vfDriver?: 'igbvf' | 'vfio-pci';
  /** Each VF carries a vDPA device on vhost_vdpa (`/dev/vhost-vdpa-N`, N counting over the host). */
  readonly vdpa?: boolean;
  /** The devlink eswitch mode every PF reports; default: none reported (null). */
  readonly eswitchMode?: EswitchMode;
  readonly memoryMb?: number | null;
  /** The image store its agent reports (`vfleet agent --image-dir`); default: SIM_IMAGES. */
  readonly images?: Json | null;
}

/** What simulated agents report of their image store unless told otherwise. */
export const SIM_IMAGES = {
  dir: '/var/lib/vfleet/images',
  images: [
    { name: 'vm.qcow2', format: 'qcow2', sizeBytes: 1 << 20 },
    { name: 'vm.raw', format: 'raw', sizeBytes: 1 << 20 },
  ],
  omitted: 0,
  // `vfleet agent --seed-dir`'s default: where a guest configuration's seed ISO goes.
  seedDir: '/var/lib/vfleet/seeds',
};

export function simInventory(spec: SimHostSpec, bus: number): Json {
  return {
    pfs: Array.from({ length: spec.pfs }, (_, i) => {
      const b = (bus + i).toString(16).padStart(2, '0');
      return {
        pciAddress: `0000:${b}:00.0`,
        ifname: `ens${bus + i}`,
        vendorId: '8086',
        deviceId: '1521',
        driver: 'igb',
        totalVfs: Math.max(spec.vfsPerPf, 7),
        numVfs: spec.vfsPerPf,
        numaNode: spec.pfNuma ? spec.pfNuma(i) : i % 2,
        ...(spec.eswitchMode === undefined ? {} : { eswitchMode: spec.eswitchMode }),
        vfs: Array.from({ length: spec.vfsPerPf }, (_, v) => {
          const pciAddress = `0000:${b}:${(16 + (v >> 3)).toString(16)}.${v & 7}`;
          const vdpa = {
            name: `vdpa-${pciAddress}`,
            charDev: `/dev/vhost-vdpa-${i * spec.vfsPerPf + v}`,
            driver: 'vhost_vdpa',
            mac: null,
          };
          return {
            index: v,
            pciAddress,
            ...vfDriverFacts(spec.vfDriver, `ens${bus + i}v${v}`),
            ...(spec.vdpa === true ? { vdpa } : {}),
          };
        }),
      };
    }),
  };
}

function vfDriverFacts(driver: SimHostSpec['vfDriver'], netdev: string): Json {
  if (driver === undefined) return {};
  return driver === 'vfio-pci'
    ? { driver, driverKind: 'vfio', netdev: null }
    : { driver, driverKind: 'kernel', netdev };
}

/**
 * Plays an agent for one host through the API: register, report, fetch the
 * desired state, report it applied. Returns the agent's token.
 */
export async function joinHost(h: FleetApi, spec: SimHostSpec, bus = 0x10): Promise<string> {
  const agent = await h.token('agent', { host: spec.name });
  const must = async (r: Promise<{ status: number; body: Json }>, what: string) => {
    const res = await r;
    if (res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await must(
    h.call('POST', '/v1/agent/register', agent, { host: spec.name, labels: spec.labels ?? {} }),
    'register',
  );
  await reportHost(h, agent, spec, bus);
  await applyDesired(h, agent, spec.name);
  return agent;
}

export async function reportHost(
  h: FleetApi,
  agent: string,
  spec: SimHostSpec,
  bus = 0x10,
): Promise<void> {
  const cpus = spec.cpusPerNode ?? 16;
  const r = await h.call('POST', `/v1/agent/hosts/${spec.name}/report`, agent, {
    inventory: simInventory(spec, bus),
    findings: [],
    // As a real agent reads them from /sys/devices/system/node (host-topology.ts).
    numaNodes: Array.from({ length: spec.numaNodes ?? 2 }, (_, node) => node).map((node) => ({
      node,
      socket: node,
      cpus,
      cpuList: Array.from({ length: cpus }, (_, i) => node * cpus + i),
      ...(spec.hugepagesFree === undefined
        ? {}
        : { hugepages: { sizeKb: 2048, total: 4096, free: spec.hugepagesFree(node) } }),
    })),
    memoryMb: spec.memoryMb ?? null,
    ...(spec.images === null ? {} : { images: spec.images ?? SIM_IMAGES }),
  });
  if (r.status !== 200) throw new Error(`report: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Fetches the desired state and reports it applied; returns it. */
export async function applyDesired(
  h: FleetApi,
  agent: string,
  host: string,
  failedVfs: string[] = [],
): Promise<{ generation: number; state: { pfs: Json[] } }> {
  const d = await h.call('GET', `/v1/agent/hosts/${host}/desired`, agent);
  if (d.status !== 200) throw new Error(`desired: ${d.status} ${JSON.stringify(d.body)}`);
  const body = d.body as unknown as { generation: number; state: { pfs: Json[] } };
  const a = await h.call('POST', `/v1/agent/hosts/${host}/applied`, agent, {
    generation: body.generation,
    ok: true,
    failedVfs,
  });
  if (a.status !== 200) throw new Error(`applied: ${a.status} ${JSON.stringify(a.body)}`);
  return body;
}

/** physnet p1 (VLANs 100-199), a spec tagging every igb VF with it, and a tenant network. */
export async function basicCatalog(h: FleetApi, numVfs = 4, tenant = 'acme'): Promise<void> {
  const steps: [string, string, unknown][] = [
    ['POST', '/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] }],
    ['POST', '/v1/specs', { name: 'igb', driver: 'igb', physnet: 'p1', numVfs }],
    ['POST', '/v1/networks', { name: 'blue', physnet: 'p1', tenant }],
  ];
  for (const [m, p, b] of steps) {
    const r = await h.call(m, p, h.admin, b);
    if (r.status !== 201) throw new Error(`${m} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/**
 * basicCatalog, two simulated hosts node-a and node-b (one PF of 2 VFs
 * each), and instance web with one VF port: where it landed, its port,
 * and the other host.
 */
export async function twoHostsOneInstance(h: FleetApi) {
  await basicCatalog(h, 2);
  await joinHost(h, { name: 'node-a', pfs: 1, vfsPerPf: 2 }, 0x10);
  await joinHost(h, { name: 'node-b', pfs: 1, vfsPerPf: 2 }, 0x20);
  const r = await h.call('POST', '/v1/instances', h.admin, {
    name: 'web',
    vcpus: 1,
    memoryMb: 64,
    tenant: 'acme',
    hostLabels: {},
    ports: [{ network: 'blue' }],
  });
  if (r.status !== 201) throw new Error(`instance: ${r.status} ${JSON.stringify(r.body)}`);
  return {
    id: String(r.body.id),
    port: String((r.body.ports as { id: string }[])[0]?.id),
    other: r.body.host === 'node-a' ? 'node-b' : 'node-a',
  };
}
