import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDetailView } from '../api/answers.js';
import { errorCodeInfo } from '../core/errors.js';
import { startCliController, type CliController } from '../testing/cli-controller.js';
import { fleetCli } from '../testing/fleet-cli.js';
import { joinHost, type FleetApi } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';
import { accepted, runOpenstackParsers } from '../testing/openstack-parsers.js';

/**
 * `vfleet export openstack` against a CLI-started controller: node1's first
 * PF is OpenStack's (specs with owner openstack and a bandwidth), its second
 * Kubernetes'; node2 has nothing for OpenStack. The files it writes are read
 * by Nova's and Neutron's own parsers.
 */
let c: CliController;
let fleet: FleetApi;
let out = '';

const cli = (...argv: string[]) => fleetCli([...argv, '--controller', c.url], c.env);

beforeAll(async () => {
  c = await startCliController();
  fleet = httpFleet(c.url, await c.admin());
  out = await mkdtemp(join(tmpdir(), 'vfleet-export-os-'));
  const steps: [string, unknown][] = [
    ['/v1/physnets', { name: 'os1', vlanRanges: [{ min: 100, max: 149 }] }],
    [
      '/v1/specs',
      {
        name: 'for-openstack',
        pf: '0000:10:00.0',
        physnet: 'os1',
        numVfs: 4,
        trusted: true,
        owner: 'openstack',
        bandwidth: { egressMbps: 1000, ingressMbps: null },
      },
    ],
    [
      '/v1/specs',
      { name: 'for-k8s', pf: '0000:11:00.0', physnet: 'os1', numVfs: 2, owner: 'kubernetes' },
    ],
    [
      '/v1/specs',
      { name: 'offload', pf: '0000:30:00.0', physnet: 'os1', numVfs: 2, owner: 'openstack' },
    ],
  ];
  for (const [path, body] of steps) {
    const r = await fleet.call('POST', path, fleet.admin, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  await joinHost(fleet, { name: 'node1', pfs: 2, vfsPerPf: 4 });
  await joinHost(fleet, { name: 'node2', pfs: 1, vfsPerPf: 0 }, 0x20);
  // Its agent reports the PF in switchdev mode and a vDPA device on each VF.
  await joinHost(
    fleet,
    { name: 'node3', pfs: 1, vfsPerPf: 2, vdpa: true, eswitchMode: 'switchdev' },
    0x30,
  );
}, 60_000);

afterAll(async () => {
  await c.close();
  await rm(out, { recursive: true, force: true });
});

describe('vfleet export openstack', () => {
  it('prints each file under a header line', async () => {
    const r = await cli('export', 'openstack', '--host', 'node1');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('==> node1/nova-compute.conf.d/90-vfleet-pci.conf <==\n');
    // 8086:1521's VFs are 8086:1520: the PF's address with the VF id takes them all
    expect(r.stdout).toContain(
      'device_spec = {"address":"0000:10:00.0","vendor_id":"8086","product_id":"1520","physical_network":"os1","trusted":"true"}\n',
    );
    expect(r.stdout).toContain('==> node1/sriov_agent.ini <==\n');
    expect(r.stdout).toContain('physical_device_mappings = os1:ens16\n');
    expect(r.stdout).toContain('resource_provider_bandwidths = ens16:1000000:\n');
    expect(r.stdout).toContain('==> ml2_conf_sriov.ini <==\n');
    expect(r.stdout).toContain('network_vlan_ranges = os1:100:149\n');
    expect(r.stdout).not.toContain('0000:11:');

    const data = await cli('export', 'openstack', '--host', 'node1', '-o', 'json');
    const parsed = JSON.parse(data.stdout) as { files: { path: string; text: string }[] };
    expect(parsed.files.map((f) => f.path)).toEqual([
      'node1/nova-compute.conf.d/90-vfleet-pci.conf',
      'node1/sriov_agent.ini',
      'ml2_conf_sriov.ini',
    ]);
  });

  it('--all --out DIR writes the files that Nova and Neutron accept', async () => {
    const r = await cli('export', 'openstack', '--all', '--out', out);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(out, 'node1', 'sriov_agent.ini')}\n`);
    expect(r.stdout).toContain(`wrote ${join(out, 'ml2_conf_sriov.ini')}\n`);
    expect(r.stderr).toContain('node2: no device is owned by openstack; its files offer nothing');
    expect(await readFile(join(out, 'node2', 'sriov_agent.ini'), 'utf8')).toContain(
      'physical_device_mappings =\n',
    );

    const detail = await fleet.call('GET', '/v1/hosts/node1', fleet.admin);
    const node1 = detail.body as unknown as HostDetailView;
    const devices = node1.pfs.flatMap((pf) => [
      {
        address: pf.pciAddress,
        vendor_id: pf.vendorId,
        product_id: pf.deviceId,
        dev_type: 'type-PF',
        parent_addr: null,
      },
      ...pf.vfs.map((vf) => ({
        address: vf.pciAddress,
        vendor_id: pf.vendorId,
        product_id: '1520',
        dev_type: 'type-VF',
        parent_addr: pf.pciAddress,
      })),
    ]);
    const answer = await runOpenstackParsers({
      hosts: [
        {
          name: 'node1',
          nova: join(out, 'node1', 'nova-compute.conf.d', '90-vfleet-pci.conf'),
          agent: join(out, 'node1', 'sriov_agent.ini'),
          devices,
        },
      ],
      ml2: join(out, 'ml2_conf_sriov.ini'),
    });
    const nova = accepted(answer.hosts.node1?.nova);
    expect(nova.assignable.map((a) => a.address).sort()).toEqual([
      '0000:10:10.0',
      '0000:10:10.1',
      '0000:10:10.2',
      '0000:10:10.3',
    ]);
    expect(nova.aliases).toEqual({
      'vfleet-8086-1520-vf': ['0000:10:10.0', '0000:10:10.1', '0000:10:10.2', '0000:10:10.3'],
    });
    const agent = accepted(answer.hosts.node1?.agent);
    expect(agent.mappings).toEqual({ os1: ['ens16'] });
    expect(agent.bandwidths).toEqual({ ens16: { egress: 1_000_000, ingress: null } });
    expect(accepted(answer.ml2)).toEqual({ os1: [[100, 149]] });
  });

  it("reads each PF's eswitch mode and each VF's vDPA device from the controller", async () => {
    const r = await cli('export', 'openstack', '--host', 'node3');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      '# note: 0000:30:00.0: VFs with a vDPA device (0000:30:10.0 /dev/vhost-vdpa-0, 0000:30:10.1 /dev/vhost-vdpa-1)',
    );
    expect(r.stdout).toContain('physical_device_mappings =\n');
    expect(r.stdout).toContain(
      '==> node3/ovs-hw-offload.sh <==\n#!/bin/sh\n# Generated by vfleet (vfleet export openstack) for host node3',
    );
    expect(r.stdout).toContain(
      'ovs-vsctl --no-wait set Open_vSwitch . other_config:hw-offload=true\n',
    );
  });

  it('needs exactly one of --host and --all', async () => {
    const neither = await cli('export', 'openstack');
    expect(neither.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(neither.stderr).toContain('--host or --all is required');
    const both = await cli('export', 'openstack', '--host', 'node1', '--all');
    expect(both.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(both.stderr).toContain('--host and --all: give one of them, not both');
    expect(both.stderr).not.toMatch(/\n\s+at /);
    const unknown = await cli('export', 'openstack', '--host', 'node9');
    expect(unknown.exitCode).toBe(errorCodeInfo.NOT_FOUND.exitCode);
    expect(unknown.stderr).toContain('node9');
    expect(unknown.stdout).toBe('');
  });
});
