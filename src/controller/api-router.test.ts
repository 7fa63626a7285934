import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startHarness, type Harness } from '../testing/controller-harness.js';
import { joinHost, SIM_IMAGES } from '../testing/fleet-sim.js';

/**
 * A router VM through the API on PGlite: explicit spoof checking reaching
 * the port (and so the agent's VF settings), `hugepages: auto` decided on
 * the VFs' NUMA node, the cloud-init seed, and the refusals naming fields.
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness('pglite');
  const steps: [string, unknown][] = [
    ['/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] }],
    // Trusted VFs: a router port may ask for trust (VLAN filters, many MACs).
    ['/v1/specs', { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: 4, trusted: true }],
    ['/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme' }],
    ['/v1/networks', { name: 'red', physnet: 'p1', tenant: 'acme' }],
  ];
  for (const [path, body] of steps) {
    const r = await h.call('POST', path, h.admin, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  // hp-yes: 4 GiB of free 2 MiB pages on node 0 (its PF 0), none on node 1; hp-no: none reserved.
  const common = { pfs: 2, vfsPerPf: 4, vfDriver: 'vfio-pci', cpusPerNode: 4 } as const;
  await joinHost(
    h,
    {
      ...common,
      name: 'hp-yes',
      labels: { hp: 'yes' },
      hugepagesFree: (n) => (n === 0 ? 2048 : 0),
    },
    0x10,
  );
  await joinHost(h, { ...common, name: 'hp-no', labels: { hp: 'no' } }, 0x30);
  // An agent older than --seed-dir: images, but no seed folder to write a seed in.
  const { dir, images, omitted } = SIM_IMAGES;
  await joinHost(
    h,
    { ...common, name: 'no-seeds', labels: { hp: 'old' }, images: { dir, images, omitted } },
    0x50,
  );
}, 60_000);
afterAll(() => h.close());

const router = (name: string, hp: string, over: Record<string, unknown> = {}) => ({
  name,
  vcpus: 2,
  memoryMb: 2048,
  numaPolicy: 'required',
  tenant: 'acme',
  hostLabels: { hp },
  ports: [
    { network: 'blue', addresses: ['10.0.1.1/24', '2001:db8:1::1/64'] },
    { network: 'red', trusted: true, spoofchk: true, addresses: ['10.0.2.1/24'] },
  ],
  boot: { image: 'vm.qcow2', hugepages: 'auto', guestConfig: 'router' },
  ...over,
});

interface Port {
  mac: string;
  trusted: boolean;
  spoofchk: boolean;
  pf: string;
}

interface DesiredDomain {
  instanceId: string;
  xml: string | null;
  seed?: unknown;
}

/** The instance's domain as its host's agent is asked to keep it. */
async function desiredDomain(host: string, id: string): Promise<DesiredDomain | undefined> {
  const r = await h.call('GET', `/v1/agent/hosts/${host}/desired`, h.admin);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.domains as DesiredDomain[]).find((d) => d.instanceId === id);
}

describe('a router VM through the API', () => {
  it('claims both VFs on one node, hugepages there, spoof checking on the trusted port', async () => {
    const r = await h.call('POST', '/v1/instances', h.admin, router('rtr', 'yes'));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const ports = r.body.ports as Port[];
    expect(ports.map((p) => [p.trusted, p.spoofchk])).toEqual([
      [false, true],
      [true, true],
    ]);
    expect(new Set(ports.map((p) => p.pf)).size).toBe(1);
    const xml = await h.call('GET', `/v1/instances/${String(r.body.id)}/xml`, h.admin);
    expect(xml.status).toBe(200);
    const doc = String(xml.body.xml);
    expect(doc).toMatch(/<memoryBacking>\s*<hugepages\/>\s*<\/memoryBacking>/);
    expect(xml.body.placement).toMatchObject({
      nodes: [0],
      cpus: [0, 1, 2, 3],
      memoryMode: 'strict',
    });

    const seed = await h.call('GET', `/v1/instances/${String(r.body.id)}/cloud-init`, h.admin);
    expect(seed.status, JSON.stringify(seed.body)).toBe(200);
    expect(String(seed.body.userData)).toContain('net.ipv4.ip_forward = 1');
    const net = parse(String(seed.body.networkConfig)) as {
      ethernets: Record<string, { match: { macaddress: string }; addresses?: string[] }>;
    };
    expect(Object.values(net.ethernets)).toEqual([
      expect.objectContaining({
        match: { macaddress: ports[0]?.mac },
        addresses: ['10.0.1.1/24', '2001:db8:1::1/64'],
      }),
      expect.objectContaining({ match: { macaddress: ports[1]?.mac }, addresses: ['10.0.2.1/24'] }),
    ]);

    // The agent is handed the seed with the domain, and the domain attaches it as a CD-ROM
    // at the file that agent writes: in the seed folder it reports, named after the domain.
    const domain = String(seed.body.domain);
    expect(doc).toContain(
      `<source file="/var/lib/vfleet/seeds/${domain}.iso" startupPolicy="requisite"/>`,
    );
    expect(doc).toMatch(/<disk type="file" device="cdrom">[^]*?<target dev="sda" bus="sata"\/>/);
    const want = await desiredDomain(String(r.body.host), String(r.body.id));
    expect(want?.xml).toBe(doc);
    expect(want?.seed).toEqual({
      metaData: seed.body.metaData,
      userData: seed.body.userData,
      networkConfig: seed.body.networkConfig,
    });
  });

  it('hugepages auto on a host with none free: no memoryBacking; the spoofchk default is kept', async () => {
    const body = router('rtr-b', 'no', {
      ports: [{ network: 'blue' }, { network: 'red', trusted: true }],
    });
    const r = await h.call('POST', '/v1/instances', h.admin, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // Without the field a trusted port has spoof checking off, as before it existed.
    expect((r.body.ports as Port[]).map((p) => p.spoofchk)).toEqual([true, false]);
    const xml = await h.call('GET', `/v1/instances/${String(r.body.id)}/xml`, h.admin);
    expect(String(xml.body.xml)).not.toContain('hugepages');
  });

  it('never goes to a host whose agent reports images but no seed folder', async () => {
    const r = await h.call('POST', '/v1/instances', h.admin, router('rtr-old', 'old'));
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body).toMatchObject({ code: 'CONFLICT', details: { field: 'boot.guestConfig' } });
    expect(String(r.body.message)).toContain("host no-seeds's agent reports no seed folder");
  });

  it('an instance without a guest configuration has no seed', async () => {
    const body = router('plain', 'no', {
      ports: [{ network: 'blue' }],
      boot: { image: 'vm.qcow2' },
    });
    const r = await h.call('POST', '/v1/instances', h.admin, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const seed = await h.call('GET', `/v1/instances/${String(r.body.id)}/cloud-init`, h.admin);
    expect(seed.status).toBe(409);
    expect(String(seed.body.message)).toMatch(/without a guest configuration/);
    // ...nor a CD-ROM, nor a seed in its agent's desired state.
    const host = String(r.body.host);
    const want = await desiredDomain(host, String(r.body.id));
    expect(want?.xml).not.toContain('cdrom');
    expect(want !== undefined && 'seed' in want).toBe(false);
  });

  it.each([
    [
      'spoofchk on a bridge port',
      { network: 'blue', vnicType: 'normal', spoofchk: false },
      'ports[0].spoofchk',
    ],
    [
      'spoofchk on a whole PF',
      { network: 'blue', vnicType: 'direct-physical', spoofchk: false },
      'ports[0].spoofchk',
    ],
    [
      'an address without a prefix',
      { network: 'blue', addresses: ['10.0.1.1'] },
      'ports[0].addresses[0]',
    ],
    [
      'an address out of range',
      { network: 'blue', addresses: ['10.0.1.300/24'] },
      'ports[0].addresses[0]',
    ],
    [
      'addresses on a whole PF',
      { network: 'blue', vnicType: 'direct-physical', addresses: ['10.0.1.1/24'] },
      'ports[0].addresses',
    ],
  ])('refuses %s, naming the field', async (_what, port, field) => {
    const r = await h.call(
      'POST',
      '/v1/instances',
      h.admin,
      router('bad', 'yes', { ports: [port] }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect((r.body.details as { field?: string }).field).toBe(field);
  });

  it('refuses addresses without a guest configuration, and an unknown hugepages mode', async () => {
    const noGuest = router('bad', 'yes', { boot: { image: 'vm.qcow2' } });
    const r = await h.call('POST', '/v1/instances', h.admin, noGuest);
    expect(r.status).toBe(400);
    expect((r.body.details as { field?: string }).field).toBe('ports[0].addresses');
    const badMode = router('bad', 'yes', { boot: { image: 'vm.qcow2', hugepages: 'always' } });
    const m = await h.call('POST', '/v1/instances', h.admin, badMode);
    expect(m.status).toBe(400);
    expect((m.body.details as { field?: string }).field).toBe('boot.hugepages');
  });
});
