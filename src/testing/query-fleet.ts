import type { Harness, Json } from './controller-harness.js';
import { applyDesired, basicCatalog, joinHost, reportHost, simInventory } from './fleet-sim.js';
import type { SimHostSpec } from './fleet-sim.js';

/**
 * A small fleet with a host of every kind the dashboard's queries tell
 * apart, on an in-process harness (fleet-sim agents):
 * - hv-a (rack r1, 2 PFs on NUMA nodes 0 and 1): stale, not seen since T0;
 * - hv-b (rack r2): healthy; tenant acme's `web1` holds a VF on network
 *   blue (allocated), and a deleted instance left one VF dirty;
 * - hv-c (rack r1): degraded, with an error and a warning finding;
 * - hv-d: registered, never reported (unknown);
 * - hv-e: reported, its specs not applied yet (not ready);
 * - tenant globex's `db1` on network red, also on hv-b (reserved: its agent
 *   has not applied it yet).
 * Every host's PFs have the same PCI addresses (buses 0x10, 0x11), as
 * identical servers do.
 */
export interface QueryFleet {
  readonly h: Harness;
  readonly acme: string;
  readonly globex: string;
  readonly web1: Json;
  readonly db1: Json;
}

export const QF_HOSTS: Record<string, SimHostSpec> = {
  'hv-a': { name: 'hv-a', pfs: 2, vfsPerPf: 4, labels: { rack: 'r1' }, pfNuma: (i) => i },
  'hv-b': { name: 'hv-b', pfs: 1, vfsPerPf: 4, labels: { rack: 'r2' } },
  'hv-c': { name: 'hv-c', pfs: 1, vfsPerPf: 4, labels: { rack: 'r1' }, pfNuma: () => 1 },
  'hv-e': { name: 'hv-e', pfs: 1, vfsPerPf: 4, labels: { rack: 'r3' } },
};

const FINDINGS = [
  { id: 'iommu', severity: 'error', subject: 'host', title: 'IOMMU is off', evidence: [] },
  { id: 'pf-down', severity: 'warning', subject: '0000:10:00.0', title: 'down', evidence: [] },
  { id: 'sriov-totalvfs', severity: 'ok', subject: '0000:10:00.0', title: 'ok', evidence: [] },
  { id: 'vfio-pci', severity: 'info', subject: 'host', title: 'loaded', evidence: [] },
];

async function must(r: Promise<{ status: number; body: Json }>, what: string, status = 200) {
  const res = await r;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function startQueryFleet(h: Harness): Promise<QueryFleet> {
  await basicCatalog(h, 4);
  await must(
    h.call('POST', '/v1/networks', h.admin, { name: 'red', physnet: 'p1', tenant: 'globex' }),
    'network red',
    201,
  );
  const agents = new Map<string, string>();
  for (const name of ['hv-a', 'hv-b', 'hv-c'] as const) {
    const spec = QF_HOSTS[name];
    if (spec !== undefined) agents.set(name, await joinHost(h, spec));
  }
  // Past the stale threshold: only the hosts that report again are fresh.
  h.clock += h.deps.config.staleAfterMs + 1000;
  const agent = (name: string) => agents.get(name) ?? '';
  const specOf = (name: string) => QF_HOSTS[name] ?? { name, pfs: 0, vfsPerPf: 0 };
  await reportHost(h, agent('hv-b'), specOf('hv-b'));
  await must(
    h.call('POST', '/v1/agent/hosts/hv-c/report', agent('hv-c'), {
      inventory: simInventory(specOf('hv-c'), 0x10),
      findings: FINDINGS,
    }),
    'report hv-c',
  );
  const d = await h.token('agent', { host: 'hv-d' });
  await must(h.call('POST', '/v1/agent/register', d, { host: 'hv-d' }), 'register hv-d');
  const e = await h.token('agent', { host: 'hv-e' });
  await must(h.call('POST', '/v1/agent/register', e, { host: 'hv-e' }), 'register hv-e');
  await reportHost(h, e, specOf('hv-e'));

  const acme = await h.token('tenant', { tenant: 'acme' });
  const globex = await h.token('tenant', { tenant: 'globex' });
  const instance = async (token: string, name: string, network: string, rack: string) =>
    must(
      h.call('POST', '/v1/instances', token, {
        name,
        vcpus: 1,
        memoryMb: 128,
        hostLabels: { rack },
        ports: [{ network }],
      }),
      `instance ${name}`,
      201,
    );
  const web1 = await instance(acme, 'web1', 'blue', 'r2');
  const gone = await instance(acme, 'gone', 'blue', 'r2');
  await applyDesired(h, agent('hv-b'), 'hv-b');
  await must(h.call('DELETE', `/v1/instances/${String(gone.id)}`, acme), 'delete gone', 204);
  const db1 = await instance(globex, 'db1', 'red', 'r2');
  return { h, acme, globex, web1, db1 };
}
