import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { errorCodeInfo } from '../core/errors.js';
import { startCliController, type CliController } from '../testing/cli-controller.js';
import { fleetCli } from '../testing/fleet-cli.js';
import { joinHost } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';
import { kubernetesDocumentSchema } from '../testing/kubernetes-schemas.js';

/** `vfleet export kubernetes|libvirt` against a CLI-started controller and a simulated host. */
let c: CliController;
let dir = '';
const cli = (...argv: string[]) => fleetCli([...argv, '--controller', c.url], c.env);

beforeAll(async () => {
  c = await startCliController();
  dir = await mkdtemp(path.join(tmpdir(), 'vfleet-export-'));
  for (const p of ['p1', 'p2']) {
    expect((await cli('physnet', 'create', p, '--vlan-range', '100-199')).exitCode).toBe(0);
  }
  const admin = await c.admin();
  await postSpec({
    name: 'k8s',
    pf: '0000:10:00.0',
    physnet: 'p1',
    numVfs: 4,
    owner: 'kubernetes',
  });
  await postSpec({
    name: 'pool',
    pf: '0000:11:00.0',
    physnet: 'p2',
    numVfs: 4,
    owner: 'libvirt-pool',
  });
  await joinHost(httpFleet(c.url, admin), { name: 'node1', pfs: 3, vfsPerPf: 4 });
  expect(
    (await cli('network', 'create', 'blue', '--physnet', 'p1', '--tenant', 'acme', '--vlan', '120'))
      .exitCode,
  ).toBe(0);
}, 60_000);

async function postSpec(body: object): Promise<void> {
  const admin = await c.admin();
  const r = await httpFleet(c.url, admin).call('POST', '/v1/specs', admin, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

afterAll(async () => {
  await c.close();
  await rm(dir, { recursive: true, force: true });
});

describe('vfleet export', () => {
  it('kubernetes --all prints the device plugin ConfigMap, policies and networks as YAML', async () => {
    const r = await cli('export', 'kubernetes', '--all');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const docs = parseAllDocuments(r.stdout).map(
      (d) => d.toJS() as { kind: string; spec?: object },
    );
    for (const d of docs) expect(kubernetesDocumentSchema.safeParse(d).success).toBe(true);
    expect(docs.map((d) => d.kind)).toEqual([
      'ConfigMap',
      'SriovNetworkNodePolicy',
      'SriovNetwork',
    ]);
    expect(docs[1]?.spec).toMatchObject({
      resourceName: 'vfleet_p1',
      nodeSelector: { 'kubernetes.io/hostname': 'node1' },
      numVfs: 4,
      nicSelector: { pfNames: ['ens16#0-3'], rootDevices: ['0000:10:00.0'] },
      // The spec's vfDriver, as the sim agent reports no VF driver.
      deviceType: 'vfio-pci',
      externallyManaged: true,
    });
    expect(docs[2]?.spec).toMatchObject({ networkNamespace: 'acme', vlan: 120, trust: 'off' });
  });

  it('kubernetes --format nad --out DIR writes the manifests and a kustomization', async () => {
    const out = path.join(dir, 'k8s');
    const r = await cli('export', 'kubernetes', '--host', 'node1', '--format', 'nad', '--out', out);
    expect(r.exitCode).toBe(0);
    const nad = await readFile(path.join(out, 'networks', 'acme.blue.yaml'), 'utf8');
    expect(nad).toContain('k8s.v1.cni.cncf.io/resourceName: openshift.io/vfleet_p1');
    expect(await readFile(path.join(out, 'kustomization.yaml'), 'utf8')).toContain(
      'networks/acme.blue.yaml',
    );
  });

  it('libvirt --host names the pool PF whose VFs are all libvirt-pool', async () => {
    const r = await cli('export', 'libvirt', '--host', 'node1');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('<!-- host node1: vfleet-p2 -->');
    expect(r.stdout).toContain('<pf dev="ens17"/>');
    expect(r.stdout).not.toContain('ens16');
  });

  it('notes what switchdev and vDPA VFs get and why, read from the controller', async () => {
    const admin = await c.admin();
    const vdpaSpec = { physnet: 'p1', numVfs: 2, owner: 'kubernetes' };
    await postSpec({ ...vdpaSpec, name: 'k8s-vdpa', pf: '0000:50:00.0' });
    await postSpec({
      ...vdpaSpec,
      name: 'pool-vdpa',
      pf: '0000:51:00.0',
      physnet: 'p2',
      owner: 'libvirt-pool',
    });
    await joinHost(
      httpFleet(c.url, admin),
      { name: 'node3', pfs: 2, vfsPerPf: 2, vdpa: true, eswitchMode: 'switchdev' },
      0x50,
    );
    const k = await cli('export', 'kubernetes', '--host', 'node3');
    expect(k.exitCode).toBe(0);
    expect(k.stdout).toContain('"vdpaType": "vhost"');
    expect(k.stdout).not.toContain('SriovNetworkNodePolicy');
    expect(k.stderr).toContain(
      'note: vfleet_p1_vdpa: VFs with vDPA devices get no SriovNetworkNodePolicy',
    );
    const l = await cli('export', 'libvirt', '--host', 'node3');
    expect(l.exitCode).toBe(0);
    expect(l.stdout).toBe('');
    expect(l.stderr).toContain(
      '0000:51:10.0 <interface type="vdpa"><source dev="/dev/vhost-vdpa-2"/></interface>',
    );
  });

  it('says so when the hosts have nothing for the consumer', async () => {
    const admin = await c.admin();
    await joinHost(httpFleet(c.url, admin), { name: 'node2', pfs: 1, vfsPerPf: 2 }, 0x40);
    const r = await cli('export', 'libvirt', '--host', 'node2');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('note: no VFs owned by libvirt-pool on these hosts\n');
  });

  it('refuses to guess the hosts: --host or --all', async () => {
    const r = await cli('export', 'libvirt');
    expect(r.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(r.stderr).toMatch(/--host or --all is required/);
  });
});
