import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { basicCatalog, joinHost, simInventory } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

const vm = (over: Record<string, unknown> = {}, port: Record<string, unknown> = {}) => ({
  name: 'vm',
  vcpus: 1,
  memoryMb: 256,
  numaPolicy: 'legacy',
  hostLabels: {},
  tenant: 'acme',
  ports: [{ network: 'blue', vnicType: 'direct', ...port }],
  ...over,
});

/** [what, method, path, body, expected status, expected details.field] */
type Case = readonly [string, string, string, unknown, number, string];
const cases: Case[] = [
  ['malformed JSON', 'POST', '/v1/physnets', '{"name": "p2", ', 400, '(body)'],
  ['a body that is not an object', 'POST', '/v1/physnets', '[1,2]', 400, '(root)'],
  [
    'a huge body',
    'POST',
    '/v1/physnets',
    JSON.stringify({ name: 'p2', vlanRanges: [], pad: 'x'.repeat(2 << 20) }),
    413,
    '(body)',
  ],
  [
    'an unknown field',
    'POST',
    '/v1/physnets',
    { name: 'p2', vlanRanges: [], colour: 'red' },
    400,
    '(root)',
  ],
  [
    'a bad physnet name',
    'POST',
    '/v1/physnets',
    { name: 'has space', vlanRanges: [] },
    400,
    'name',
  ],
  [
    'VLAN 0 in a range',
    'POST',
    '/v1/physnets',
    { name: 'p2', vlanRanges: [{ min: 0, max: 10 }] },
    400,
    'vlanRanges[0].min',
  ],
  [
    'VLAN 4095 in a range',
    'POST',
    '/v1/physnets',
    { name: 'p2', vlanRanges: [{ min: 10, max: 4095 }] },
    400,
    'vlanRanges[0].max',
  ],
  [
    'overlapping VLAN ranges',
    'POST',
    '/v1/physnets',
    {
      name: 'p2',
      vlanRanges: [
        { min: 10, max: 20 },
        { min: 20, max: 30 },
      ],
    },
    400,
    'vlanRanges[1]',
  ],
  [
    'an inverted VLAN range',
    'POST',
    '/v1/physnets',
    { name: 'p2', vlanRanges: [{ min: 30, max: 20 }] },
    400,
    'vlanRanges[0]',
  ],
  ['a duplicate physnet', 'POST', '/v1/physnets', { name: 'p1', vlanRanges: [] }, 409, 'name'],
  [
    'a spec without selector',
    'POST',
    '/v1/specs',
    { name: 's', physnet: 'p1', numVfs: 2 },
    400,
    'vendor',
  ],
  [
    'a bad vendor id',
    'POST',
    '/v1/specs',
    { name: 's', vendor: '80866', physnet: 'p1', numVfs: 2 },
    400,
    'vendor',
  ],
  [
    'a bad PF selector',
    'POST',
    '/v1/specs',
    { name: 's', pf: '0000:10:00.0#4-2', physnet: 'p1', numVfs: 2 },
    400,
    'pf',
  ],
  [
    'a bad address glob',
    'POST',
    '/v1/specs',
    { name: 's', pciAddress: '10:00.0; rm', physnet: 'p1', numVfs: 2 },
    400,
    'pciAddress',
  ],
  [
    'numVfs below 0',
    'POST',
    '/v1/specs',
    { name: 's', vendor: '8086', physnet: 'p1', numVfs: -1 },
    400,
    'numVfs',
  ],
  [
    'numVfs above totalVfs',
    'POST',
    '/v1/specs',
    { name: 's', pf: '0000:10:00.0', physnet: 'p1', numVfs: 8 },
    400,
    'numVfs',
  ],
  [
    'a spec contradicting the governing one',
    'POST',
    '/v1/specs',
    { name: 's', pf: '0000:10:00.0', physnet: 'p1', numVfs: 3 },
    409,
    'numVfs',
  ],
  [
    'a spec on an unknown physnet',
    'POST',
    '/v1/specs',
    { name: 's', vendor: '15b3', physnet: 'nope', numVfs: 2 },
    400,
    'physnet',
  ],
  [
    'a bad VF driver',
    'POST',
    '/v1/specs',
    { name: 's', vendor: '15b3', physnet: 'p1', numVfs: 2, vfDriver: '../x' },
    400,
    'vfDriver',
  ],
  ['network VLAN 0', 'POST', '/v1/networks', { name: 'n', physnet: 'p1', vlan: 0 }, 400, 'vlan'],
  [
    'network VLAN 4095',
    'POST',
    '/v1/networks',
    { name: 'n', physnet: 'p1', vlan: 4095 },
    400,
    'vlan',
  ],
  [
    'a VLAN outside the physnet ranges',
    'POST',
    '/v1/networks',
    { name: 'n', physnet: 'p1', vlan: 300 },
    400,
    'vlan',
  ],
  [
    'a network on an unknown physnet',
    'POST',
    '/v1/networks',
    { name: 'n', physnet: 'nope' },
    400,
    'physnet',
  ],
  ['a taken VLAN', 'POST', '/v1/networks', { name: 'n', physnet: 'p1', vlan: 100 }, 409, 'vlan'],
  ['an instance without name', 'POST', '/v1/instances', vm({ name: '' }), 400, 'name'],
  ['vcpus 0', 'POST', '/v1/instances', vm({ vcpus: 0 }), 400, 'vcpus'],
  ['fractional vcpus', 'POST', '/v1/instances', vm({ vcpus: 1.5 }), 400, 'vcpus'],
  ['vcpus as a string', 'POST', '/v1/instances', vm({ vcpus: '2' }), 400, 'vcpus'],
  ['negative memory', 'POST', '/v1/instances', vm({ memoryMb: -1 }), 400, 'memoryMb'],
  [
    'an unknown NUMA policy',
    'POST',
    '/v1/instances',
    vm({ numaPolicy: 'strict' }),
    400,
    'numaPolicy',
  ],
  [
    'a bad host label',
    'POST',
    '/v1/instances',
    vm({ hostLabels: { 'a b': 'x' } }),
    400,
    'hostLabels.a b',
  ],
  ['ports not a list', 'POST', '/v1/instances', vm({ ports: 'blue' }), 400, 'ports'],
  [
    'an unknown network',
    'POST',
    '/v1/instances',
    vm({}, { network: 'nope' }),
    400,
    'ports[0].network',
  ],
  [
    'an unknown vnic type',
    'POST',
    '/v1/instances',
    vm({}, { vnicType: 'sriov' }),
    400,
    'ports[0].vnicType',
  ],
  [
    "a MAC on a direct-physical port (the guest uses the PF's own)",
    'POST',
    '/v1/instances',
    vm({}, { vnicType: 'direct-physical', mac: 'fa:16:3e:00:00:09' }),
    400,
    'ports[0].mac',
  ],
  [
    'a malformed MAC',
    'POST',
    '/v1/instances',
    vm({}, { mac: 'fa:16:3e:00:00' }),
    400,
    'ports[0].mac',
  ],
  [
    'a multicast MAC',
    'POST',
    '/v1/instances',
    vm({}, { mac: '01:00:5e:00:00:01' }),
    400,
    'ports[0].mac',
  ],
  [
    'the zero MAC',
    'POST',
    '/v1/instances',
    vm({}, { mac: '00:00:00:00:00:00' }),
    400,
    'ports[0].mac',
  ],
  [
    'one MAC twice',
    'POST',
    '/v1/instances',
    vm({
      ports: [
        { network: 'blue', mac: 'fa:16:3e:00:00:09' },
        { network: 'blue', mac: 'fa:16:3e:00:00:09' },
      ],
    }),
    400,
    'ports[1].mac',
  ],
  [
    'a MAC another port has',
    'POST',
    '/v1/instances',
    vm({}, { mac: 'fa:16:3e:00:00:01' }),
    409,
    'ports[0].mac',
  ],
  [
    'trusted not a boolean',
    'POST',
    '/v1/instances',
    vm({}, { trusted: 'yes' }),
    400,
    'ports[0].trusted',
  ],
  [
    'a negative rate',
    'POST',
    '/v1/instances',
    vm({}, { maxTxRate: -5 }),
    400,
    'ports[0].maxTxRate',
  ],
  [
    'min rate above max rate',
    'POST',
    '/v1/instances',
    vm({}, { maxTxRate: 100, minTxRate: 200 }),
    400,
    'ports[0].minTxRate',
  ],
  [
    'too many ports',
    'POST',
    '/v1/instances',
    vm({ ports: Array.from({ length: 65 }, () => ({ network: 'blue' })) }),
    400,
    'ports',
  ],
  ['an unknown token role', 'POST', '/v1/tokens', { name: 't', role: 'root' }, 400, 'role'],
  [
    'a tenant token without tenant',
    'POST',
    '/v1/tokens',
    { name: 't', role: 'tenant' },
    400,
    'tenant',
  ],
  ['an agent token without host', 'POST', '/v1/tokens', { name: 't', role: 'agent' }, 400, 'host'],
  [
    'a physnet update leaving out a VLAN in use',
    'PATCH',
    '/v1/physnets/p1',
    { vlanRanges: [{ min: 150, max: 199 }] },
    409,
    'vlanRanges',
  ],
  [
    'overlapping ranges in a physnet update',
    'PATCH',
    '/v1/physnets/p1',
    {
      vlanRanges: [
        { min: 100, max: 150 },
        { min: 120, max: 199 },
      ],
    },
    400,
    'vlanRanges[1]',
  ],
  ['renaming a physnet', 'PATCH', '/v1/physnets/p1', { name: 'p9', vlanRanges: [] }, 400, '(root)'],
  [
    'numVfs above totalVfs in a spec update',
    'PATCH',
    '/v1/specs/{spec}',
    { numVfs: 8 },
    400,
    'numVfs',
  ],
  [
    'a spec update dropping every selector',
    'PATCH',
    '/v1/specs/{spec}',
    { driver: null },
    400,
    'vendor',
  ],
  [
    'a spec update to an unknown physnet',
    'PATCH',
    '/v1/specs/{spec}',
    { physnet: 'nope' },
    400,
    'physnet',
  ],
  [
    'a bad vendor id in a spec update',
    'PATCH',
    '/v1/specs/{spec}',
    { vendor: 'zz' },
    400,
    'vendor',
  ],
  ['a spec update taking held VFs', 'PATCH', '/v1/specs/{spec}', { numVfs: 2 }, 409, 'spec'],
  ['network update VLAN 4095', 'PATCH', '/v1/networks/{network}', { vlan: 4095 }, 400, 'vlan'],
  ['moving a network ports use', 'PATCH', '/v1/networks/{network}', { vlan: 150 }, 409, 'vlan'],
  [
    'a tenant in a network update',
    'PATCH',
    '/v1/networks/{network}',
    { tenant: 'x' },
    400,
    '(root)',
  ],
  ['labels not strings', 'PATCH', '/v1/hosts/node1', { labels: { rack: 1 } }, 400, 'labels.rack'],
  ['an unknown host', 'PATCH', '/v1/hosts/nope', { labels: {} }, 404, ''],
  [
    'a report with a bad PCI address',
    'POST',
    '/v1/agent/hosts/node1/report',
    { inventory: { pfs: [{ ...pf0(), pciAddress: 'zz' }] } },
    400,
    'inventory.pfs[0].pciAddress',
  ],
  [
    'a report with numVfs above totalVfs',
    'POST',
    '/v1/agent/hosts/node1/report',
    { inventory: { pfs: [{ ...pf0(), numVfs: 9 }] } },
    400,
    'inventory.pfs[0].numVfs',
  ],
  [
    'a generation never handed out',
    'POST',
    '/v1/agent/hosts/node1/applied',
    { generation: 999, ok: true },
    400,
    'generation',
  ],
  [
    'a long-poll too long',
    'GET',
    '/v1/agent/hosts/node1/desired?waitSeconds=999',
    undefined,
    400,
    'query.waitSeconds',
  ],
];

function pf0(): Record<string, unknown> {
  return (
    (
      simInventory({ name: 'node1', pfs: 1, vfsPerPf: 4 }, 0x10).pfs as Record<string, unknown>[]
    )[0] ?? {}
  );
}

describe.each(STORE_KINDS)('bad input on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
    await basicCatalog(h, 4);
    await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
    const first = await h.call(
      'POST',
      '/v1/instances',
      h.admin,
      vm({}, { mac: 'fa:16:3e:00:00:01' }),
    );
    expect(first.status).toBe(201);
  }, 60_000);
  afterAll(() => h.close());

  it.each(cases)('%s', async (_what, method, path, body, status, field) => {
    const ids = await h.call('GET', '/v1/specs', h.admin);
    const nets = await h.call('GET', '/v1/networks', h.admin);
    const at = path
      .replace('{spec}', String((ids.body.items as { id?: string }[])[0]?.id))
      .replace('{network}', String((nets.body.items as { id?: string }[])[0]?.id));
    const r = await h.call(method, at, h.admin, body);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(typeof r.body.message).toBe('string');
    expect(String(r.body.message)).not.toMatch(/\n\s+at /);
    if (field !== '') expect((r.body.details as { field?: string }).field).toBe(field);
  });
});
