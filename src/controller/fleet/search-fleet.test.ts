import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  HostDetailView,
  InstanceView,
  PortView,
  SearchAnswerView,
  SearchHitView,
} from '../../api/answers.js';
import { startHarness } from '../../testing/controller-harness.js';
import type { Harness } from '../../testing/controller-harness.js';
import { startQueryFleet } from '../../testing/query-fleet.js';
import type { QueryFleet } from '../../testing/query-fleet.js';
import { STORE_KINDS, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

type Chain = Omit<SearchHitView, 'match'>;
const NOTHING: Chain = {
  host: null,
  numaNode: null,
  pf: null,
  vf: null,
  port: null,
  instance: null,
  network: null,
  tenant: null,
};
const sorted = (hits: readonly unknown[]) =>
  hits.map((x) => JSON.stringify(x)).sort((a, b) => (a < b ? -1 : 1));

describe.each(STORE_KINDS)('GET /v1/search on %s', (kind) => {
  let h: Harness;
  let f: QueryFleet;
  let web1Port: PortView;
  let db1Port: PortView;
  let lonely: InstanceView;
  beforeAll(async () => {
    h = await startHarness(kind);
    f = await startQueryFleet(h);
    const port = async (i: typeof f.web1) =>
      (await h.call('GET', `/v1/ports/${String((i.ports as { id: string }[])[0]?.id)}`, h.admin))
        .body as unknown as PortView;
    web1Port = await port(f.web1);
    db1Port = await port(f.db1);
    // A network and an instance without ports are hits of their own.
    await h.call('POST', '/v1/networks', f.acme, { name: 'empty', physnet: 'p1' });
    const r = await h.call('POST', '/v1/instances', f.acme, {
      name: 'lonely',
      vcpus: 1,
      memoryMb: 64,
      hostLabels: { rack: 'r2' },
      ports: [],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    lonely = r.body as unknown as InstanceView;
  }, 120_000);
  afterAll(() => h.close());

  const search = async (q: string, token = h.admin): Promise<SearchAnswerView> => {
    const r = await h.call('GET', `/v1/search?q=${encodeURIComponent(q)}`, token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as unknown as SearchAnswerView;
  };
  const hostMap = async (id: string) =>
    (await h.call('GET', `/v1/hosts/${id}`, h.admin)).body as HostDetailView;

  /** A port's chain as the other routes tell it: the port, its instance, its host's map. */
  async function chainOf(p: PortView): Promise<Chain> {
    const inst = (await h.call('GET', `/v1/instances/${p.instanceId ?? ''}`, h.admin))
      .body as unknown as InstanceView;
    const map = await hostMap(p.host ?? '');
    const pf = map.pfs.find((x) => x.pciAddress === p.pf);
    const vf = pf?.vfs.find((v) => v.pciAddress === p.pciAddress);
    if (pf === undefined || vf === undefined) throw new Error('port without its VF');
    return {
      host: p.host,
      numaNode: pf.numaNode,
      pf: { pciAddress: pf.pciAddress, ifname: pf.ifname },
      vf: { index: vf.index, pciAddress: vf.pciAddress, state: vf.state },
      port: { id: p.id, mac: p.mac, vnicType: p.vnicType },
      instance: { id: inst.id, name: inst.name, state: inst.state as 'active' },
      network: { id: p.networkId, name: p.network, vlan: p.vlan, physnet: p.physnet },
      tenant: p.tenant,
    };
  }
  /** Every host's VFs (or PFs) at a PCI address: free ones alone, a held one with its port's chain. */
  async function pciChains(pci: string, level: 'vf' | 'pf'): Promise<Chain[]> {
    const hosts = ['hv-a', 'hv-b', 'hv-c', 'hv-e'];
    const out: Chain[] = [];
    for (const host of hosts) {
      const map = await hostMap(host);
      for (const pf of map.pfs) {
        const base = { ...NOTHING, host, numaNode: pf.numaNode };
        const pfOut = { pciAddress: pf.pciAddress, ifname: pf.ifname };
        if (level === 'pf' && pf.pciAddress === pci) out.push({ ...base, pf: pfOut });
        if (level === 'vf')
          for (const v of pf.vfs.filter((x) => x.pciAddress === pci)) {
            const held = [web1Port, db1Port].find((p) => p.id === v.portId);
            out.push(
              held !== undefined
                ? await chainOf(held)
                : {
                    ...base,
                    pf: pfOut,
                    vf: { index: v.index, pciAddress: v.pciAddress, state: v.state },
                  },
            );
          }
      }
    }
    return out;
  }

  it('finds a MAC in any spelling, with the whole chain of its port', async () => {
    const mac = web1Port.mac ?? '';
    const want = { match: 'mac', ...(await chainOf(web1Port)) };
    for (const spelt of [mac, mac.toUpperCase().replace(/:/g, '-'), mac.replace(/:/g, '')]) {
      const a = await search(spelt);
      expect(a).toEqual({ query: spelt, matchedAs: 'mac', results: [want] });
    }
    // The chain holds every link: host, NUMA node, PF, VF, port, instance, network, tenant.
    expect(Object.values(want).every((v) => v !== null)).toBe(true);
  });

  it('finds a PCI address, full or short, on every host that has it', async () => {
    const vfPci = web1Port.pciAddress ?? '';
    const vfWant = (await pciChains(vfPci, 'vf')).map((c) => ({ match: 'pci', ...c }));
    expect(vfWant.length).toBe(4);
    expect(vfWant.filter((c) => c.port !== null)).toHaveLength(1);
    for (const q of [vfPci, vfPci.slice(5).toUpperCase()]) {
      const a = await search(q);
      expect(a.matchedAs).toBe('pci');
      expect(sorted(a.results)).toEqual(sorted(vfWant));
    }
    const pfPci = web1Port.pf ?? '';
    const pfWant = (await pciChains(pfPci, 'pf')).map((c) => ({ match: 'pci', ...c }));
    expect(pfWant.length).toBe(4);
    expect(sorted((await search(pfPci)).results)).toEqual(sorted(pfWant));
  });

  it("finds a VLAN's network with each of its ports' chains", async () => {
    const a = await search(String(web1Port.vlan));
    expect(a.matchedAs).toBe('vlan');
    expect(a.results).toEqual([{ match: 'vlan', ...(await chainOf(web1Port)) }]);
    const red = await search(String(db1Port.vlan));
    expect(red.results).toEqual([{ match: 'vlan', ...(await chainOf(db1Port)) }]);
  });

  it('finds instances, ports, networks and hosts by name or id, in any case', async () => {
    const web1 = { match: 'instance', ...(await chainOf(web1Port)) };
    expect(await search('WEB')).toEqual({ query: 'WEB', matchedAs: 'text', results: [web1] });
    expect((await search(String(f.web1.id).slice(0, 8))).results).toEqual([web1]);
    expect((await search(web1Port.id.slice(0, 13).toUpperCase())).results).toEqual([
      { match: 'port', ...(await chainOf(web1Port)) },
    ]);
    expect((await search('blu')).results).toEqual([
      { match: 'network', ...(await chainOf(web1Port)) },
    ]);
    const empty = (await search('empty')).results;
    expect(empty).toHaveLength(1);
    expect(empty[0]).toMatchObject({
      ...NOTHING,
      match: 'network',
      network: { name: 'empty', physnet: 'p1' },
      tenant: 'acme',
    });
    expect((await search('lonely')).results).toEqual([
      {
        ...NOTHING,
        match: 'instance',
        host: lonely.host,
        numaNode: lonely.numaNode,
        instance: { id: lonely.id, name: 'lonely', state: lonely.state },
        tenant: 'acme',
      },
    ]);
    expect((await search('HV-')).results).toEqual(
      ['hv-a', 'hv-b', 'hv-c', 'hv-d', 'hv-e'].map((host) => ({ ...NOTHING, match: 'host', host })),
    );
  });

  it("shows a tenant only its own ports', instances' and networks' chains", async () => {
    const own = await chainOf(web1Port);
    expect((await search(web1Port.mac ?? '', f.acme)).results).toEqual([{ match: 'mac', ...own }]);
    expect((await search(db1Port.mac ?? '', f.acme)).results).toEqual([]);
    expect((await search('db1', f.acme)).results).toEqual([]);
    expect((await search('web1', f.globex)).results).toEqual([]);
    expect((await search(String(db1Port.vlan), f.acme)).results).toEqual([]);
    expect((await search('hv-b', f.acme)).results).toEqual([]);
    // Of the four VFs at this address, only the one holding its own port.
    expect((await search(web1Port.pciAddress ?? '', f.acme)).results).toEqual([
      { match: 'pci', ...own },
    ]);
    expect((await search(web1Port.pf ?? '', f.acme)).results).toEqual([]);
    // A broad text: the admin sees both tenants, each tenant its own.
    const all = (await search('e')).results;
    expect(new Set(all.map((x) => x.tenant))).toEqual(new Set(['acme', 'globex', null]));
    for (const [token, tenant] of [
      [f.acme, 'acme'],
      [f.globex, 'globex'],
    ] as const) {
      const mine = (await search('e', token)).results;
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((x) => x.tenant === tenant)).toBe(true);
      expect(sorted(mine)).toEqual(sorted(all.filter((x) => x.tenant === tenant)));
    }
  });

  it('answers at most the limit', async () => {
    const hits = await h.store.search.search({ kind: 'text', text: 'e' }, null, 3);
    expect(hits).toHaveLength(3);
  });

  it('refuses no text or too much, naming query.q', async () => {
    for (const q of ['', '?q=', '?q=%20%20', `?q=${'x'.repeat(201)}`]) {
      const r = await h.call('GET', `/v1/search${q}`, h.admin);
      expect(r.status, q).toBe(400);
      expect(r.body.code).toBe('INVALID_INPUT');
      expect((r.body.details as { field?: string }).field, q).toBe('query.q');
    }
    expect((await h.call('GET', `/v1/search?q=${'x'.repeat(200)}`, h.admin)).status).toBe(200);
    expect(
      (await h.call('GET', '/v1/search?q=x', await h.token('agent', { host: 'hv-a' }))).status,
    ).toBe(403);
  });
});
