import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFleetFixture, novaPciDevices } from '../../testing/export-fleet-fixture.js';
import {
  accepted,
  runOpenstackParsers,
  type ParsersAnswer,
} from '../../testing/openstack-parsers.js';
import type { ExportFile } from './export-fleet.js';
import { OPENSTACK_FILES, openstackExport } from './openstack-files.js';

/**
 * The export read by OpenStack itself: Debian's python3-nova and
 * python3-neutron parse the files and match Nova's device specs against the
 * fixture hosts' PCI devices.
 */
const fleet = exportFleetFixture;
const exported = openstackExport(fleet, fleet.hosts, '2026-12-03T16:00:00.000Z');
let dir = '';
let answer: ParsersAnswer;

const text = (path: string): string => {
  const f = exported.files.find((x: ExportFile) => x.path === path);
  if (f === undefined) throw new Error(`no ${path} in the export`);
  return f.text;
};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-os-export-'));
  const write = async (path: string, body: string) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), body);
  };
  for (const f of exported.files) await write(f.path, f.text);
  // The negative case: the same files with one wrong entry each, which the
  // parsers must refuse (a VF function number above 7; an excluded netdev
  // the agent does not map).
  const nova1 = text(`compute-1/${OPENSTACK_FILES.nova}`);
  await write('broken/nova.conf', nova1.replace('"0000:81:10.1"', '"0000:81:10.9"'));
  const agent1 = text(`compute-1/${OPENSTACK_FILES.agent}`);
  await write('broken/agent.ini', agent1.replace(',physnet2:ens1f1', ''));
  const hosts = fleet.hosts.map((h) => ({
    name: h.name,
    nova: join(dir, h.name, OPENSTACK_FILES.nova),
    agent: join(dir, h.name, OPENSTACK_FILES.agent),
    devices: novaPciDevices(h),
  }));
  const [first] = hosts;
  if (first === undefined) throw new Error('fixture without hosts');
  hosts.push({
    ...first,
    name: 'broken',
    nova: join(dir, 'broken/nova.conf'),
    agent: join(dir, 'broken/agent.ini'),
  });
  answer = await runOpenstackParsers({ hosts, ml2: join(dir, OPENSTACK_FILES.ml2) });
}, 90_000);

afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('vfleet export openstack, read by Nova and Neutron', () => {
  it("Nova's device_spec offers exactly OpenStack's VFs and whole PF, tagged", () => {
    const nova = accepted(answer.hosts['compute-1']?.nova);
    const byAddress = Object.fromEntries(nova.assignable.map((a) => [a.address, a.tags]));
    expect(byAddress).toEqual({
      '0000:81:10.0': { physical_network: 'physnet1' },
      '0000:81:10.2': { physical_network: 'physnet1' },
      '0000:81:10.4': { physical_network: 'physnet1' },
      '0000:81:10.6': { physical_network: 'physnet1' },
      '0000:81:10.1': { physical_network: 'physnet2', trusted: 'true' },
      '0000:81:10.3': { physical_network: 'physnet2', trusted: 'true' },
      '0000:82:00.0': { physical_network: 'physnet3' },
      '0000:85:10.0': { physical_network: 'physnet1' },
      '0000:85:10.2': { physical_network: 'physnet1' },
    });
    // the unknown model's PF is not offered by its VFs' entries
    expect(text(`compute-1/${OPENSTACK_FILES.nova}`)).toContain(
      'device_spec = {"address":"0000:85:10.0","physical_network":"physnet1"}\n',
    );
  });

  it('aliases name the VF and whole-PF models and match those devices', () => {
    const nova = accepted(answer.hosts['compute-1']?.nova);
    expect(nova.aliases).toEqual({
      'vfleet-8086-10ca-vf': [
        '0000:81:10.0',
        '0000:81:10.1',
        '0000:81:10.2',
        '0000:81:10.3',
        '0000:81:10.4',
        '0000:81:10.6',
      ],
      'vfleet-8086-1521-pf': ['0000:82:00.0'],
    });
  });

  it("the SR-IOV agent maps the PFs of OpenStack's VFs, excludes the rest, bandwidth in kbit/s", () => {
    const agent = accepted(answer.hosts['compute-1']?.agent);
    expect(agent.mappings).toEqual({ physnet1: ['ens1f0', 'ens5'], physnet2: ['ens1f1'] });
    expect(agent.exclude).toEqual({ ens1f1: ['0000:81:10.5', '0000:81:10.7', '0000:81:11.1'] });
    // 10000 and 2500 Mbit/s in the fixture; an undeclared direction stays empty
    expect(agent.bandwidths).toEqual({
      ens1f0: { egress: 10_000_000, ingress: null },
      ens1f1: { egress: 2_500_000, ingress: 2_500_000 },
    });
  });

  it('a host with nothing for OpenStack gets valid files that offer nothing', () => {
    expect(exported.emptyHosts).toEqual(['compute-2']);
    const h = answer.hosts['compute-2'];
    expect(accepted(h?.nova)).toEqual({ assignable: [], aliases: {} });
    expect(accepted(h?.agent)).toMatchObject({ mappings: {}, exclude: {} });
  });

  it("ML2 gets the VLAN ranges of the physnets OpenStack's devices use", () => {
    expect(accepted(answer.ml2)).toEqual({
      physnet1: [[100, 199]],
      physnet2: [
        [200, 209],
        [300, 310],
      ],
    });
    expect(text(OPENSTACK_FILES.ml2)).toContain('physnet physnet3 has no VLAN range');
  });

  it('a wrong entry is refused by the same parsers', () => {
    const broken = answer.hosts.broken;
    expect(broken?.nova).toMatchObject({
      error: expect.stringMatching(/function|func/i) as unknown,
    });
    expect(broken?.agent).toMatchObject({
      error: expect.stringContaining('ens1f1 is missing from physical_device_mappings') as unknown,
    });
  });

  it('every file says vfleet generated it and not to edit it', () => {
    for (const f of exported.files) {
      expect(f.text).toMatch(
        /^# Generated by vfleet \(vfleet export openstack\) for .* at 2026-12-03T16:00:00.000Z\.\n/,
      );
      expect(f.text).toContain('Do not edit');
    }
  });
});
