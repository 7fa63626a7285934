import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { startCliController, type CliController } from '../testing/cli-controller.js';
import { igbHost, startTestController, type TestController } from '../testing/e2e-kit.js';
import { fleetCli, fleetTestEnv, type FleetTestEnv } from '../testing/fleet-cli.js';
import type { FixtureHost } from '../testing/fixture-host.js';
import { joinHost, simInventory } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import type { HostDetailView } from '../api/answers.js';

afterAll(stopPgCluster);

/** The fake `ip`'s view of VF `index` of `ifname`; a torn read while the agent writes is retried. */
async function vfMac(h: FixtureHost, ifname: string, index: number): Promise<string | undefined> {
  for (let i = 0; ; i++) {
    try {
      const links = (await h.ipState()).links;
      return links.find((l) => l.ifname === ifname)?.vfinfo_list?.find((v) => v.vf === index)
        ?.address;
    } catch (e) {
      if (!(e instanceof SyntaxError) || i > 50) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

describe.each(STORE_KINDS)(
  'the host map and --wait, against a real agent on a fixture host, on %s',
  (kind) => {
    let ctl: TestController;
    let env: FleetTestEnv;
    let host: Awaited<ReturnType<typeof igbHost>>;
    const cli = (...argv: string[]) => fleetCli([...argv, '--controller', ctl.url], env);
    const detail = async () =>
      (await ctl.api.call('GET', '/v1/hosts/hv-a', ctl.api.admin))
        .body as unknown as HostDetailView;

    beforeAll(async () => {
      ctl = await startTestController(kind);
      env = await fleetTestEnv({ token: ctl.api.admin });
      host = await igbHost('hv-a', '0000:3b:00.0', 0);
      await ctl.startAgent('hv-a', host);
    }, 60_000);

    afterAll(async () => {
      await ctl.close();
      await env.cleanup();
      await host.fixture.cleanup();
    });

    it(
      'spec create --wait returns once the agent made the VFs; instance create/delete --wait once it set and reset them',
      { timeout: 120_000 },
      async () => {
        // Before any spec: the PF is there, with no VFs and a hint rather than an empty table.
        const before = await cli('hosts', 'show', 'hv-a', '--wait', '--wait-timeout', '60');
        expect(before.exitCode, before.stderr).toBe(0);
        // It waited for the agent's first report, saying so.
        expect(before.stderr).toMatch(
          /^hv-a: (not registered yet|registered, waiting for its agent's first report)/m,
        );
        // The fixture's PF is up at its default 1000 Mb/s: the link shows as the scan read it.
        expect(before.stdout).toMatch(
          /PF \S+ 0000:3b:00\.0 {2}driver igb {2}link up 1000Mb\/s {2}numa 0 {2}spec none/,
        );
        expect(before.stdout).toContain('no spec selects this PF');
        expect(before.stdout).not.toMatch(/VF\s+PCI/);

        expect((await cli('physnet', 'create', 'p1', '--vlan-range', '100-199')).exitCode).toBe(0);
        const net = ['blue', '--physnet', 'p1', '--tenant', 'acme', '--vlan', '120'];
        expect((await cli('network', 'create', ...net)).exitCode).toBe(0);

        const spec = await cli(
          'spec',
          'create',
          'igb',
          '--driver',
          'igb',
          '--physnet',
          'p1',
          '--num-vfs',
          '4',
          '--wait',
        );
        expect(spec.exitCode, spec.stderr).toBe(0);
        expect(spec.stderr).toMatch(/^hv-a: 0\/4 VFs/m);
        expect(spec.stderr).toMatch(/^hv-a: 4\/4 VFs: done$/m);
        expect(spec.stdout).toMatch(/igb\s+\S+\s+driver=igb\s+p1/);
        // Returned only once the agent had made them: visible at once, no polling here.
        const made = await detail();
        expect(made.pfs[0]?.vfs).toHaveLength(4);
        expect(made.appliedGeneration).toBe(made.desiredGeneration);
        expect(host.kernel.writes()).toContainEqual({
          path: '/sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs',
          value: '4',
        });

        const mac = 'fa:16:3e:aa:bb:cc';
        const create = await cli(
          'instance',
          'create',
          'vm1',
          '--vcpus',
          '1',
          '--memory-mb',
          '64',
          '--tenant',
          'acme',
          '--port',
          `blue,mac=${mac}`,
          '--wait',
        );
        expect(create.exitCode, create.stderr).toBe(0);
        expect(create.stderr).toContain('instance vm1: claimed on hv-a');
        expect(create.stderr).toContain('instance vm1: 1 VF(s) configured on hv-a');
        expect(create.stdout).toMatch(/state\s+active/);
        const pf = (await detail()).pfs[0];
        const vf = pf?.vfs.find((v) => v.portId !== null);
        const ifname = pf?.ifname ?? '?';
        // The agent had set the MAC in `ip` before the command returned.
        expect(await vfMac(host.fixture, ifname, vf?.index ?? -1)).toBe(mac);
        expect(vf).toMatchObject({ instance: 'vm1', tenant: 'acme', network: 'blue', vlan: 120 });
        expect(vf?.configured).toBe(true);
        // As the fixture host's scan has them: bound to vfio-pci for its guest, in an IOMMU group.
        expect(vf?.driver).toBe('vfio-pci');
        expect(typeof vf?.iommuGroup).toBe('number');

        // The map: the PF heading with the spec by name, then who holds each VF.
        const show = await cli('hosts', 'show', 'hv-a');
        expect(show.stdout).toContain(
          `PF ${ifname} 0000:3b:00.0  driver igb  link up 1000Mb/s  numa 0  spec igb  VFs 1/4 in use (max 7)`,
        );
        expect(show.stdout).toMatch(
          /\n {2}VF\s+PCI\s+STATE\s+DRIVER\s+IOMMU\s+MAC\s+VLAN\s+INSTANCE\s+TENANT\s+NETWORK/,
        );
        expect(show.stdout).toMatch(
          new RegExp(
            `\\n {2}${vf?.index}\\s+${vf?.pciAddress}\\s+allocated\\s+${vf?.driver}\\s+${vf?.iommuGroup}\\s+${mac}\\s+120\\s+vm1\\s+acme\\s+blue\\s+p1`,
          ),
        );
        expect(show.stdout).not.toContain(vf?.portId ?? '?');
        const json = JSON.parse(
          (await cli('hosts', 'show', 'hv-a', '-o', 'json')).stdout,
        ) as HostDetailView;
        expect(json.pfs[0]).toMatchObject({ specName: 'igb', declaredVfs: 4 });

        const ports = await cli('port', 'list');
        expect(ports.stdout.split('\n')[0]).toMatch(/^PORT\s+INSTANCE\s+NETWORK\s+VLAN/);
        expect(ports.stdout).toMatch(
          new RegExp(`\\svm1\\s+blue\\s+120\\s+direct\\s+${mac}\\s+hv-a`),
        );

        const del = await cli('instance', 'delete', 'vm1', '--wait');
        expect(del.exitCode, del.stderr).toBe(0);
        expect(del.stdout).toBe('instance vm1 deleted: 1 VF(s) reset by the agent\n');
        // Reset in `ip` and offered again before the command returned.
        expect(await vfMac(host.fixture, ifname, vf?.index ?? -1)).toBe('00:00:00:00:00:00');
        const after = (await detail()).pfs[0]?.vfs.find((v) => v.index === vf?.index);
        expect(after).toMatchObject({ state: 'free', dirty: false, instance: null, mac: null });
      },
    );
  },
);

describe('the host map of simulated hosts, and a wait that times out', () => {
  let c: CliController;
  const cli = (...argv: string[]) => fleetCli([...argv, '--controller', c.url], c.env);

  beforeAll(async () => {
    c = await startCliController();
  }, 60_000);
  afterAll(() => c.close());

  it('says so for a host without PFs, lists findings one per line naming their PF', async () => {
    const api = httpFleet(c.url, await c.admin());
    await joinHost(api, { name: 'bare', pfs: 0, vfsPerPf: 0 });
    const bare = await cli('hosts', 'show', 'bare');
    expect(bare.exitCode).toBe(0);
    expect(bare.stdout).toContain(
      'no PFs: the agent reported no SR-IOV capable NIC on this host\n',
    );
    expect(bare.stdout).not.toMatch(/PCI|DRIVER/);
    expect(bare.stdout).toMatch(/findings\s+none/);

    const spec = { name: 'hv-f', pfs: 2, vfsPerPf: 0 };
    const agent = await joinHost(api, spec);
    const r = await api.call('POST', '/v1/agent/hosts/hv-f/report', agent, {
      inventory: simInventory(spec, 0x10),
      findings: [
        {
          id: 'sriov-off',
          severity: 'warning',
          subject: '0000:11:00.0',
          title: 'SR-IOV is off',
          evidence: [],
        },
        { id: 'iommu-off', severity: 'error', subject: 'host', title: 'no IOMMU', evidence: [] },
      ],
      numaNodes: [],
      memoryMb: null,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const show = await cli('hosts', 'show', 'hv-f');
    expect(show.stdout).toMatch(/findings\s+2 \(below\)/);
    expect(show.stdout).toContain(
      'findings:\n  warning  PF 0000:11:00.0 ens17: SR-IOV is off [sriov-off]\n  error  host: no IOMMU [iommu-off]\n',
    );
  });

  it('--wait ends with exit 11 naming what the agent has not done yet', async () => {
    const api = httpFleet(c.url, await c.admin());
    // A host whose agent reported once and then went quiet: it never makes the VFs.
    await joinHost(api, { name: 'quiet', pfs: 1, vfsPerPf: 0 }, 0x30);
    expect((await cli('physnet', 'create', 'p9', '--vlan-range', '100-199')).exitCode).toBe(0);
    const args = ['late', '--pf', '0000:30:00.0', '--physnet', 'p9', '--num-vfs', '2'];
    const t0 = Date.now();
    const spec = await cli('spec', 'create', ...args, '--wait', '--wait-timeout', '1');
    expect(spec.exitCode).toBe(errorCodeInfo.TIMEOUT.exitCode);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(spec.stderr).toMatch(/^quiet: 0\/2 VFs/m);
    expect(spec.stderr).toContain(
      'vfleet: error: spec late applied on every host it selects: not reached within 1 s (last: quiet: 0/2 VFs',
    );
    expect(spec.stderr).toContain('(TIMEOUT)');
    // The spec itself was made; the map says what is pending and how to wait for it.
    const show = await cli('hosts', 'show', 'quiet');
    expect(show.stdout).toContain('spec late  VFs 0/0 in use (max 7)');
    expect(show.stdout).toContain(
      '  spec late declares 2 VFs here, 0 made so far: the agent applies it on its next report (wait with: vfleet hosts show quiet --wait)',
    );
    const wait = await cli('hosts', 'show', 'quiet', '--wait', '--wait-timeout', '1');
    expect(wait.exitCode).toBe(errorCodeInfo.TIMEOUT.exitCode);
    expect(wait.stderr).toMatch(
      /host quiet's declared VFs: not reached within 1 s \(last: quiet: 0\/2 VFs/,
    );
    expect(wait.stdout).toBe('');
  });
});
