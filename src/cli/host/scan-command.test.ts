import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCliOn } from '../../testing/cli-harness.js';
import { fixtureFromLabCapture } from '../../testing/fixture-from-capture.js';
import type { FixtureHost } from '../../testing/fixture-host.js';
import { buildFixtureHost } from '../../testing/fixture-host.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

describe('vfleet host scan', () => {
  it('prints a PF row and one row per VF, with VLAN and rate columns', async () => {
    host = await fixtureFromLabCapture();
    const r = await runCliOn(host, ['host', 'scan', '--host-root', host.root]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^PF\s+IFNAME\s+DRIVER\s+ID\s+VFS/);
    expect(lines[1]).toMatch(/^0000:01:00\.0\s+eth0\s+igb\s+8086:10c9\s+4\/7\s+up\s+1000Mb\/s/);
    expect(r.stdout).toMatch(
      /\n {2}1 {3}0000:01:10\.2\s+igbvf\s+eth3\s+fa:16:3e:00:00:01\s+2401\s+3\s+on\s+off\s+auto/,
    );
    expect(r.stdout).toMatch(
      /\n {2}3 {3}0000:01:10\.6\s+vfio-pci\s+-\s+00:00:00:00:00:00\s+-\s+-\s+on\s+off\s+auto\s+-\s+100\s+12/,
    );
  });

  it('gives the same data as JSON and YAML', async () => {
    host = await fixtureFromLabCapture();
    const json = await runCliOn(host, ['host', 'scan', '--host-root', host.root, '-o', 'json']);
    const yaml = await runCliOn(host, ['host', 'scan', '--host-root', host.root, '-o', 'yaml']);
    const a = JSON.parse(json.stdout) as { pfs: { vfs: unknown[] }[] };
    expect(parse(yaml.stdout)).toEqual(a);
    expect(a.pfs[1]?.vfs).toHaveLength(4);
  });

  it('rejects an unknown output format naming the option, exit code 2', async () => {
    host = await buildFixtureHost({ pfs: [] });
    const r = await runCliOn(host, ['host', 'scan', '--host-root', host.root, '-o', 'xml']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('"xml" is not one of table, json, yaml');
  });

  it('fails with a one-line error (no stack) on a host root without sysfs', async () => {
    host = await buildFixtureHost({ pfs: [] });
    const r = await runCliOn(host, ['host', 'scan', '--host-root', `${host.root}/nowhere`]);
    expect(r.exitCode).toBe(9);
    expect(r.stderr).toMatch(
      /^vfleet: error: \/sys\/bus\/pci\/devices does not exist.*\(HOST_READ_FAILED\)\n$/,
    );
  });

  it('prints warnings for malformed files on stderr and still lists the host', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: '0000:01:00.0', vfs: 1 }] });
    await host.files.file('/sys/bus/pci/devices/0000:01:00.0/sriov_numvfs', 'two\n');
    const r = await runCliOn(host, ['host', 'scan', '--host-root', host.root]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(
      'warning: /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs: "two" is not a number',
    );
    expect(r.stdout).toContain('0000:01:00.0');
  });
});
