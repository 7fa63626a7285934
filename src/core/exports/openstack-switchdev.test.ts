import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { novaPciDevices } from '../../testing/export-fleet-fixture.js';
import {
  accepted,
  runOpenstackParsers,
  type NovaRequest,
  type ParsersAnswer,
} from '../../testing/openstack-parsers.js';
import { startOvsdb, type Ovsdb } from '../../testing/ovsdb.js';
import { OPENSTACK_FILES, openstackExport } from './openstack-files.js';
import { switchdevOpenstackFleet as fleet } from './switchdev-examples.js';

/**
 * Switchdev and vDPA in the OpenStack export, read by OpenStack's own code
 * (Debian's python3-nova and python3-neutron) and by Open vSwitch's own
 * ovs-vsctl: Nova's PCI pools, built from the exported device_spec over
 * the hosts' devices (a VF with a vDPA device typed `vdpa`, as Nova's
 * libvirt driver types it), say which VFs a vdpa port, a direct port and
 * the VF alias may get; the SR-IOV agent's parser reads its mappings; the
 * OVS script runs against a private ovsdb-server.
 */
const exported = openstackExport(fleet, fleet.hosts, '2026-12-03T16:00:00.000Z');
const text = (path: string): string => {
  const f = exported.files.find((x) => x.path === path);
  if (f === undefined) throw new Error(`no ${path} in the export`);
  return f.text;
};

const requests: NovaRequest[] = [
  { name: 'vdpa port', vnic_type: 'vdpa', physnet: 'physnet1' },
  { name: 'direct port', vnic_type: 'direct', physnet: 'physnet1' },
  { name: 'alias', alias: 'vfleet-15b3-101e-vf' },
];
let dir = '';
let answer: ParsersAnswer;
let ovsdb: Ovsdb | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-os-switchdev-'));
  const write = async (path: string, body: string) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), body);
  };
  for (const f of exported.files) await write(f.path, f.text);
  // The tempting mark, which the export leaves out: a dev_type tag on the entry.
  const nova1 = text(`offload-1/${OPENSTACK_FILES.nova}`);
  await write(
    'tagged/nova.conf',
    nova1.replace(
      '"physical_network":"physnet1"',
      '"physical_network":"physnet1","dev_type":"vdpa"',
    ),
  );
  const hosts = fleet.hosts.map((h) => ({
    name: h.name,
    nova: join(dir, h.name, OPENSTACK_FILES.nova),
    agent: join(dir, h.name, OPENSTACK_FILES.agent),
    devices: novaPciDevices(h),
    requests,
  }));
  const [first] = hosts;
  if (first === undefined) throw new Error('fixture without hosts');
  hosts.push({ ...first, name: 'tagged', nova: join(dir, 'tagged/nova.conf') });
  answer = await runOpenstackParsers({ hosts, ml2: join(dir, OPENSTACK_FILES.ml2) });
  ovsdb = await startOvsdb();
}, 90_000);

afterAll(async () => {
  await ovsdb?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('vfleet export openstack: switchdev PFs and vDPA VFs', () => {
  it('Nova offers every OpenStack VF, vDPA ones to vdpa ports only', () => {
    const nova = accepted(answer.hosts['offload-1']?.nova);
    expect(nova.assignable.map((a) => a.address).sort()).toEqual([
      '0000:3b:00.2',
      '0000:3b:00.3',
      '0000:3b:00.4',
      '0000:3b:00.5',
      '0000:3b:01.0',
      '0000:3b:01.1',
    ]);
    expect(nova.requests).toEqual({
      'vdpa port': ['0000:3b:00.2', '0000:3b:00.3'],
      'direct port': ['0000:3b:00.4', '0000:3b:00.5'],
      alias: ['0000:3b:00.4', '0000:3b:00.5', '0000:3b:01.0', '0000:3b:01.1'],
    });
    // no dev_type tag: Nova types each VF itself
    expect(text(`offload-1/${OPENSTACK_FILES.nova}`)).not.toContain('dev_type');
    expect(text(`offload-1/${OPENSTACK_FILES.nova}`)).toContain(
      '# note: 0000:3b:00.0: VFs with a vDPA device (0000:3b:00.2 /dev/vhost-vdpa-0, 0000:3b:00.3 /dev/vhost-vdpa-1): Nova reports each as type vdpa',
    );
  });

  it('vDPA VFs are out of reach of the VF alias, which stays defined on every host', () => {
    const nova = accepted(answer.hosts['offload-2']?.nova);
    expect(Object.keys(nova.aliases)).toEqual(['vfleet-15b3-101e-vf']);
    expect(nova.requests).toEqual({
      'vdpa port': ['0000:5e:00.2', '0000:5e:00.3'],
      'direct port': [],
      alias: [],
    });
  });

  it('a dev_type tag would retype plain VFs: Nova hands one to a vdpa port', () => {
    const tagged = accepted(answer.hosts.tagged?.nova);
    expect(tagged.requests?.['vdpa port']).toEqual([
      '0000:3b:00.2',
      '0000:3b:00.3',
      '0000:3b:00.4',
      '0000:3b:00.5',
    ]);
  });

  it('the SR-IOV agent maps only the legacy PF; ML2 still gets both physnets', () => {
    const agent = accepted(answer.hosts['offload-1']?.agent);
    expect(agent.mappings).toEqual({ physnet2: ['ens3f1'] });
    expect(accepted(answer.hosts['offload-2']?.agent).mappings).toEqual({});
    expect(text(`offload-1/${OPENSTACK_FILES.agent}`)).toContain(
      '# note: 0000:3b:00.0 (ens3f0) is in switchdev mode',
    );
    expect(accepted(answer.ml2)).toEqual({ physnet1: [[100, 199]], physnet2: [[200, 299]] });
  });

  it('a host with switchdev PFs gets the OVS script, and ovs-vsctl sets hw-offload with it', async () => {
    const paths = exported.files.map((f) => f.path).filter((p) => p.endsWith('.sh'));
    expect(paths).toEqual([`offload-1/${OPENSTACK_FILES.ovs}`, `offload-2/${OPENSTACK_FILES.ovs}`]);
    const script = text(`offload-1/${OPENSTACK_FILES.ovs}`);
    expect(script).toMatch(/^#!\/bin\/sh\n# Generated by vfleet \(vfleet export openstack\)/);
    expect(script).toContain('0000:3b:00.0 (ens3f0)');
    expect(script).not.toContain('0000:3b:00.1');

    if (ovsdb === undefined) throw new Error('no ovsdb-server');
    const db = ovsdb;
    const before = await db.run('ovs-vsctl', ['get', 'Open_vSwitch', '.', 'other_config']);
    expect(before.stdout.trim()).toBe('{}');
    const run = await db.run('sh', [join(dir, 'offload-1', OPENSTACK_FILES.ovs)]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const after = await db.run('ovs-vsctl', [
      'get',
      'Open_vSwitch',
      '.',
      'other_config:hw-offload',
    ]);
    expect(after.stdout.trim()).toBe('"true"');
    // ...and refuses the setting misplaced (the check can fail).
    const wrong = await db.run('ovs-vsctl', [
      '--no-wait',
      'set',
      'Open_vSwitch',
      '.',
      'hw-offload=true',
    ]);
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.stderr).toContain('does not contain a column whose name matches "hw-offload"');
  });
});
