import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../../core/errors.js';
import { fleetCli, fleetTestEnv, type FleetTestEnv } from '../../testing/fleet-cli.js';
import { libvirtUri, startVmFleet, type VmFleet } from '../../testing/vm-fleet.js';

/** `vfleet instance boot|show|xml|migrate|delete` against agents driving a fake libvirt. */
let env: FleetTestEnv;
let fleet: VmFleet;
const cli = (...argv: string[]) =>
  fleetCli([...argv, '--controller', fleet.url, '--token', fleet.api.admin], env);

beforeAll(async () => {
  env = await fleetTestEnv();
  fleet = await startVmFleet('pglite');
}, 120_000);
afterAll(async () => {
  await fleet.close();
  await env.cleanup();
});

describe('vfleet instance boot, xml, migrate, delete', () => {
  it('boots, prints the XML, migrates with progress, deletes; each waits for the agent', async () => {
    const boot = await cli(
      'instance',
      'boot',
      'db',
      '--tenant',
      'acme',
      '--vcpus',
      '2',
      '--memory-mb',
      '1024',
      '--port',
      'blue,mac=fa:16:3e:00:00:09,standby-bridge=br0',
      '--host-label',
      'rack=r1',
      '--image',
      'db.qcow2',
    );
    expect(boot.exitCode, boot.stderr).toBe(0);
    expect(boot.stderr).toMatch(/instance db: claimed on hv-a/);
    expect(boot.stderr).toMatch(/domain db-[0-9a-f]{8}: running/);
    expect(boot.stdout).toMatch(/domain\s+db-[0-9a-f]{8}/);
    expect(boot.stdout).toMatch(/vm state\s+running/);
    const domain = /domain\s+(db-[0-9a-f]{8})/.exec(boot.stdout)?.[1] ?? '?';

    const xml = await cli('instance', 'xml', 'db');
    expect(xml.exitCode).toBe(0);
    expect(xml.stdout).toBe(
      `${fleet.libvirt.domains(libvirtUri('hv-a')).get(domain)?.xml.trimEnd() ?? '?'}\n`,
    );
    const asJson = JSON.parse((await cli('instance', 'xml', 'db', '-o', 'json')).stdout) as {
      placement: { cpus: number[] };
    };
    expect(asJson.placement.cpus).toEqual([0, 1, 2, 3]);

    const migrate = await cli('instance', 'migrate', 'db', '--to', 'hv-b');
    expect(migrate.exitCode, migrate.stderr).toBe(0);
    expect(migrate.stderr).toMatch(/migrating db: hv-a -> hv-b/);
    expect(migrate.stderr).toMatch(/migrate: ok/);
    expect(migrate.stdout).toBe('instance db: migrated hv-a -> hv-b\n');
    expect(fleet.libvirt.domains(libvirtUri('hv-b')).has(domain)).toBe(true);

    // A failed migration exits non-zero, says it was rolled back, and leaves the instance where it was.
    fleet.libvirt.failNext(`${libvirtUri('hv-b')} migrate`);
    const back = await cli('instance', 'migrate', 'db', '--to', 'hv-a');
    expect(back.exitCode).toBe(errorCodeInfo.COMMAND_FAILED.exitCode);
    expect(back.stderr).toMatch(/failed at migrate and was rolled back/);
    const show = await cli('instance', 'show', 'db', '-o', 'json');
    expect(JSON.parse(show.stdout)).toMatchObject({ host: 'hv-b', vm: { state: 'running' } });

    const del = await cli('instance', 'delete', 'db');
    expect(del.exitCode, del.stderr).toBe(0);
    expect(del.stdout).toBe('instance db deleted: domain removed, 1 port(s) released\n');
    expect(fleet.libvirt.domains(libvirtUri('hv-b')).has(domain)).toBe(false);
  }, 400_000);

  it('refuses boot without an image or domain XML, and names a missing XML file', async () => {
    const none = await cli(
      'instance',
      'boot',
      'x',
      '--tenant',
      'acme',
      '--vcpus',
      '1',
      '--memory-mb',
      '64',
      '--no-ports',
    );
    expect(none.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(none.stderr).toMatch(/--image or --domain-xml/);
    const missing = await cli(
      'instance',
      'boot',
      'x',
      '--domain-xml',
      join(env.dataDir, 'nope.xml'),
    );
    expect(missing.exitCode).toBe(errorCodeInfo.NOT_FOUND.exitCode);
    const file = join(env.dataDir, 'bad.xml');
    await writeFile(file, '<domain type="kvm"><name>x</name><vcpus/></domain>');
    const bad = await cli(
      'instance',
      'boot',
      'x',
      '--tenant',
      'acme',
      '--vcpus',
      '1',
      '--memory-mb',
      '64',
      '--port',
      'blue',
      '--domain-xml',
      file,
    );
    expect(bad.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(bad.stderr).toMatch(/boot: /);
    expect(JSON.parse((await cli('instance', '-o', 'json')).stdout)).toEqual([]);
  });
});
