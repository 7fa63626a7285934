import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../core/doctor/run-doctor.js';
import { gatherDoctorInput } from '../host/doctor.js';
import { scanHost } from '../host/scan.js';
import { readHostTopology } from '../agent/host-topology.js';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness, Json } from '../testing/controller-harness.js';
import { fixtureFromLabCapture } from '../testing/fixture-from-capture.js';
import { joinHost, simInventory } from '../testing/fleet-sim.js';

/** A report as fleet-sim's agent sends it: 2 PFs of 4 VFs, nodes 0 and 1 of 4 CPUs each. */
function goodReport(): { inventory: { pfs: Json[] }; findings: Json[]; numaNodes: Json[] } {
  const inv = simInventory({ name: 'h1', pfs: 2, vfsPerPf: 4 }, 0x10) as { pfs: Json[] };
  return {
    inventory: inv,
    findings: [],
    numaNodes: [0, 1].map((node) => ({
      node,
      socket: node,
      cpus: 4,
      cpuList: [0, 1, 2, 3].map((c) => node * 4 + c),
    })),
  };
}
const finding = { id: 'iommu', severity: 'ok', subject: 'host', title: 'IOMMU on', evidence: [] };
type Report = ReturnType<typeof goodReport>;
const at = <T>(xs: readonly T[], i: number): T => {
  const x = xs[i];
  if (x === undefined) throw new Error(`no item ${i}`);
  return x;
};
const pf = (r: Report, i: number) => at(r.inventory.pfs, i) as Json & { vfs: Json[] };
const vf = (r: Report, i: number, j: number) => at(pf(r, i).vfs, j);
const node = (r: Report, i: number) => at(r.numaNodes, i);

/** [what, change to a good report, expected details.field] */
const refused: [string, (r: Report) => void, string][] = [
  [
    'two VFs of one PF with one index',
    (r) => {
      vf(r, 0, 1).index = 0;
    },
    'inventory.pfs[0].vfs[1].index',
  ],
  [
    'two VFs with one PCI address',
    (r) => {
      vf(r, 0, 3).pciAddress = vf(r, 0, 2).pciAddress;
    },
    'inventory.pfs[0].vfs[3].pciAddress',
  ],
  [
    'a VF on the address of a VF of another PF',
    (r) => {
      vf(r, 1, 0).pciAddress = vf(r, 0, 0).pciAddress;
    },
    'inventory.pfs[1].vfs[0].pciAddress',
  ],
  [
    'a VF on the address of its PF',
    (r) => {
      vf(r, 1, 2).pciAddress = pf(r, 1).pciAddress;
    },
    'inventory.pfs[1].vfs[2].pciAddress',
  ],
  [
    'two PFs on one address',
    (r) => {
      pf(r, 1).pciAddress = pf(r, 0).pciAddress;
    },
    'inventory.pfs[1].pciAddress',
  ],
  [
    'a VF index not below totalVfs',
    (r) => {
      vf(r, 0, 3).index = 7;
    },
    'inventory.pfs[0].vfs[3].index',
  ],
  [
    'a VF index not below numVfs',
    (r) => {
      vf(r, 0, 3).index = 5;
    },
    'inventory.pfs[0].vfs[3].index',
  ],
  [
    'more VFs listed than numVfs',
    (r) => {
      pf(r, 0).numVfs = 3;
    },
    'inventory.pfs[0].vfs',
  ],
  [
    'two entries for NUMA node 0',
    (r) => {
      node(r, 1).node = 0;
    },
    'numaNodes[1].node',
  ],
  ['a NUMA node id above 1023', (r) => void (node(r, 1).node = 5000), 'numaNodes[1].node'],
  ['a PF NUMA node below -1', (r) => void (pf(r, 0).numaNode = -2), 'inventory.pfs[0].numaNode'],
  [
    'a CPU listed twice on a node',
    (r) => {
      node(r, 0).cpuList = [0, 1, 1, 3];
    },
    'numaNodes[0].cpuList[2]',
  ],
  [
    'a CPU on two nodes',
    (r) => {
      node(r, 1).cpuList = [3, 5, 6, 7];
    },
    'numaNodes[1].cpuList[0]',
  ],
  [
    'a cpus count that is not its list',
    (r) => {
      node(r, 0).cpus = 64;
    },
    'numaNodes[0].cpus',
  ],
  [
    'a CPU number of 8192',
    (r) => {
      node(r, 0).cpuList = [0, 1, 2, 8192];
    },
    'numaNodes[0].cpuList[3]',
  ],
  [
    'a node of 5000 CPUs',
    (r) => {
      node(r, 0).cpuList = Array.from({ length: 5000 }, (_, i) => i);
    },
    'numaNodes[0].cpuList',
  ],
  [
    'a PF whose local CPU list repeats one',
    (r) => {
      pf(r, 0).localCpuList = [0, 0];
    },
    'inventory.pfs[0].localCpuList[1]',
  ],
  [
    'memory of an exabyte',
    (r) => {
      (r as Json).memoryMb = 1 << 30;
    },
    'memoryMb',
  ],
  [
    'an interface name with an escape sequence',
    (r) => {
      pf(r, 0).ifname = 'eth0\u001b[2J';
    },
    'inventory.pfs[0].ifname',
  ],
  [
    'a finding nesting unknown objects',
    (r) => {
      r.findings = [{ ...finding, extra: { a: { b: { c: {} } } } }];
    },
    'findings[0]',
  ],
  [
    'a finding without the fields doctor gives it',
    (r) => {
      r.findings = [{ severity: 'error' }];
    },
    'findings[0].id',
  ],
  [
    // Deeper than the 8 levels an unknown field may have, within the transport's 32.
    'an unknown scan field nested 20 levels deep',
    (r) => {
      let deep: Json = {};
      for (let i = 0; i < 20; i++) deep = { d: deep };
      vf(r, 0, 0).extra = deep;
    },
    'inventory.pfs[0].vfs[0].extra.d.d.d',
  ],
  [
    'an unknown scan field with a huge string',
    (r) => {
      pf(r, 0).vendorName = 'x'.repeat(5000);
    },
    'inventory.pfs[0].vendorName',
  ],
];

describe('agent reports are checked against the host they describe', () => {
  let h: Harness;
  let agent: string;
  beforeAll(async () => {
    h = await startHarness('pglite');
    agent = await joinHost(h, { name: 'h1', pfs: 1, vfsPerPf: 2 });
  }, 60_000);
  afterAll(() => h.close());

  const report = (body: unknown) => h.call('POST', '/v1/agent/hosts/h1/report', agent, body);
  const stored = async () => {
    const r = await h.call('GET', '/v1/hosts/h1', h.admin);
    return { pfs: r.body.pfs, numaNodes: r.body.numaNodes, findings: r.body.findings };
  };

  it('takes the report real agents send', async () => {
    expect((await report({ ...goodReport(), findings: [finding] })).status).toBe(200);
  });

  it.each(refused)('refuses %s, naming the field, storing nothing', async (_w, change, field) => {
    const before = await stored();
    const body = goodReport();
    change(body);
    const r = await report(body);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.code).toBe('INVALID_INPUT');
    expect((r.body.details as { field?: string }).field).toBe(field);
    expect(String(r.body.message)).toContain(field);
    expect(await stored()).toEqual(before);
  });

  it('keeps -1 (no NUMA affinity) as null, as the scan does', async () => {
    const body = goodReport();
    pf(body, 1).numaNode = -1;
    expect((await report(body)).status).toBe(200);
    const pfs = (await stored()).pfs as { numaNode: number | null }[];
    expect(pfs.map((p) => p.numaNode)).toEqual([0, null]);
  });

  it('refuses an apply result naming one VF or domain twice', async () => {
    const d = await h.call('GET', '/v1/agent/hosts/h1/desired', agent);
    const generation = d.body.generation as number;
    const addr = String(vf(goodReport(), 0, 0).pciAddress);
    const twice = await h.call('POST', '/v1/agent/hosts/h1/applied', agent, {
      generation,
      ok: true,
      failedVfs: [addr, addr],
    });
    expect(twice.status).toBe(400);
    expect((twice.body.details as { field?: string }).field).toBe('failedVfs[1]');
    const domain = { instanceId: 'i-1', state: 'running', hypervisor: 'virsh' };
    const domains = await h.call('POST', '/v1/agent/hosts/h1/applied', agent, {
      generation,
      ok: true,
      domains: [domain, domain],
    });
    expect(domains.status).toBe(400);
    expect((domains.body.details as { field?: string }).field).toBe('domains[1].instanceId');
  });

  it('refuses control characters in labels, from admins and agents', async () => {
    const patch = await h.call('PATCH', '/v1/hosts/h1', h.admin, {
      labels: { rack: 'r1\u001b]0;owned\u0007' },
    });
    expect(patch.status).toBe(400);
    expect((patch.body.details as { field?: string }).field).toBe('labels.rack');
    const c1 = await h.call('PATCH', '/v1/hosts/h1', h.admin, { labels: { rack: 'r\u009b2J' } });
    expect(c1.status).toBe(400);
    const reg = await h.call('POST', '/v1/agent/register', agent, {
      host: 'h1',
      labels: { zone: 'a\nb' },
    });
    expect(reg.status).toBe(400);
    expect((reg.body.details as { field?: string }).field).toBe('labels.zone');
    const host = await h.call('GET', '/v1/hosts/h1', h.admin);
    expect(host.body.labels).toEqual({});
  });

  it('takes what a real agent reports of the recorded lab capture', async () => {
    const host = await fixtureFromLabCapture();
    try {
      const inventory = await scanHost(host, { names: false });
      const findings = runDoctor(await gatherDoctorInput(host, { liveKernelLog: false })).findings;
      const r = await report({ inventory, findings, ...(await readHostTopology(host.fs)) });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const pfs = (await stored()).pfs as { pciAddress: string; vfs: unknown[] }[];
      expect(pfs.map((p) => [p.pciAddress, p.vfs.length])).toEqual(
        inventory.pfs.map((p) => [p.pciAddress, p.vfs.length]),
      );
    } finally {
      await host.cleanup();
    }
  });
});
