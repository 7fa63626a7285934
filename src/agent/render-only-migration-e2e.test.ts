import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { until } from '../testing/e2e-kit.js';
import type { VfInfoJson } from '../testing/fake-ip-state.js';
import { fleetCli, fleetTestEnv, type FleetTestEnv } from '../testing/fleet-cli.js';
import { QCOW2_HEAD, startVmFleet, VM_IMAGE_DIR, type VmFleet } from '../testing/vm-fleet.js';

/**
 * Two hosts without libvirt (as the lab guests are): `instance migrate`
 * moves the domain definition and the VF ports through both agents, and
 * says that no VM ran. Real agents on fixture hosts, controller over HTTP.
 */
let env: FleetTestEnv;
let fleet: VmFleet;
const cli = (...argv: string[]) =>
  fleetCli([...argv, '--controller', fleet.url, '--token', fleet.api.admin], env);

beforeAll(async () => {
  env = await fleetTestEnv();
  fleet = await startVmFleet('pglite', { hypervisor: 'render-only' });
}, 120_000);
afterAll(async () => {
  await fleet.close();
  await env.cleanup();
});

const MAC = 'fa:16:3e:00:00:21';
/** Several agent round trips per step; a busy machine is slow. */
const wait = <T>(what: string, probe: () => Promise<T | null | undefined | false>) =>
  until(what, probe, 180_000);

interface Shown {
  id: string;
  host: string;
  ports: { pciAddress: string }[];
  vm: { domain: string; state: string; stateNote: string | null };
}

async function show(): Promise<Shown> {
  const r = await cli('instance', 'show', 'web', '-o', 'json');
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Shown;
}

/** The VF at `address` as the host's fake `ip` holds it (the agent may be rewriting it). */
async function vfInIp(host: string, address: string): Promise<VfInfoJson | undefined> {
  const h = fleet.hosts.get(host);
  const detail = await fleet.api.call('GET', `/v1/hosts/${host}`, fleet.api.admin);
  const pf = (
    detail.body.pfs as { ifname: string; vfs: { index: number; pciAddress: string }[] }[]
  )[0];
  const index = pf?.vfs.find((v) => v.pciAddress === address)?.index;
  if (h === undefined || pf === undefined || index === undefined) return undefined;
  for (let i = 0; ; i++) {
    try {
      const state = await h.fixture.ipState();
      return state.links
        .find((l) => l.ifname === pf.ifname)
        ?.vfinfo_list?.find((v) => v.vf === index);
    } catch (e) {
      if (!(e instanceof SyntaxError) || i > 50) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

describe('instance migrate between two render-only hosts', () => {
  it('moves the definition and the VF ports, resets the source VF, and says no VM ran', async () => {
    const boot = await cli(
      'instance',
      'boot',
      'web',
      '--tenant',
      'acme',
      '--vcpus',
      '1',
      '--memory-mb',
      '512',
      '--host-label',
      'rack=r1',
      '--port',
      `blue,mac=${MAC}`,
      '--image',
      'web.qcow2',
    );
    expect(boot.exitCode, boot.stderr).toBe(0);
    // Never "running": the host has no libvirt.
    expect(boot.stdout).toMatch(
      /vm state\s+rendered \(render-only host: the domain is defined, no VM runs\)/,
    );
    const before = await show();
    expect(before).toMatchObject({
      host: 'hv-a',
      vm: { state: 'rendered', stateNote: 'render-only host: the domain is defined, no VM runs' },
    });
    const domain = before.vm.domain;
    const sourceVf = before.ports[0]?.pciAddress ?? '?';
    expect(fleet.renderOnly.get('hv-a')?.domains().has(domain)).toBe(true);
    await wait(
      'the source VF configured',
      async () => (await vfInIp('hv-a', sourceVf))?.address === MAC,
    );

    const moved = await cli('instance', 'migrate', 'web', '--to', 'hv-b');
    expect(moved.exitCode, moved.stderr).toBe(0);
    expect(moved.stderr).toContain(
      'moving web: hv-a -> hv-b (render-only hosts: its domain definition and VF ports move, no VM runs)',
    );
    expect(moved.stderr).toMatch(/migrate: ok/);
    expect(moved.stderr).not.toMatch(/detach-source-vf|attach-target-vf/);
    expect(moved.stdout).toBe(
      'instance web moved from hv-a to hv-b (render-only hosts: its domain definition and VF ports moved; no VM was running, so nothing ran live)\n',
    );

    // The instance is on hv-b with a VF of hv-b carrying the port's MAC and VLAN in its kernel.
    const after = await wait('the domain rendered on hv-b', async () => {
      const s = await show();
      return s.host === 'hv-b' && s.vm.state === 'rendered' ? s : null;
    });
    const targetVf = after.ports[0]?.pciAddress ?? '?';
    expect((await fleet.vfsOf('hv-b')).map((v) => v.pciAddress)).toContain(targetVf);
    const configured = await vfInIp('hv-b', targetVf);
    expect(configured).toMatchObject({ address: MAC, vlan_list: [{ vlan: 120 }] });
    // The definition moved: on hv-b with hv-b's VF, gone from hv-a.
    const onB = fleet.renderOnly.get('hv-b')?.domains().get(domain);
    const [bus, slot, fn] = targetVf.split(/[:.]/).slice(1);
    expect(onB?.xml).toContain(
      `bus="0x${bus ?? ''}" slot="0x${slot ?? ''}" function="0x${fn ?? ''}"`,
    );
    expect(onB?.xml).toContain(`<mac address="${MAC}"/>`);
    expect(fleet.renderOnly.get('hv-a')?.domains().has(domain)).toBe(false);
    // `instance xml` shows what hv-b's agent defined.
    await wait('hv-b to define the XML the controller renders', async () => {
      const xml = await cli('instance', 'xml', 'web');
      return (
        xml.stdout ===
        `${fleet.renderOnly.get('hv-b')?.domains().get(domain)?.xml.trimEnd() ?? '?'}\n`
      );
    });
    // The source VF is reset by hv-a's agent and offered again.
    await wait(
      'the source VF reset',
      async () => (await vfInIp('hv-a', sourceVf))?.address === '00:00:00:00:00:00',
    );
    await wait('the source VF free and clean', async () => {
      const v = (await fleet.vfsOf('hv-a')).find((x) => x.pciAddress === sourceVf);
      return v?.state === 'free' && !v.dirty;
    });
    const [record] = (
      await fleet.api.call('GET', `/v1/instances/${after.id}/migrations`, fleet.api.admin)
    ).body.items as { state: string; report: { mode: string; outcome: string } }[];
    expect(record).toMatchObject({
      state: 'done',
      report: { mode: 'render-only', outcome: 'completed' },
    });
    // The audit log: the start by the admin token, the reconciler's steps, the end on hv-b's VF.
    const audit = await fleet.api.call(
      'GET',
      `/v1/audit?instance=${after.id}&order=asc`,
      fleet.api.admin,
    );
    const recs = audit.body.items as {
      action: string;
      actor: { kind: string };
      vfs: string[];
      after: { state?: string } | null;
    }[];
    const moves = recs.filter(
      (r) => r.action.startsWith('migration') || r.action === 'instance.migrate',
    );
    expect(moves[0]).toMatchObject({ action: 'instance.migrate', actor: { kind: 'token' } });
    expect(moves.length).toBeGreaterThan(2);
    expect(
      moves.slice(1).every((r) => r.action === 'migration.step' && r.actor.kind === 'fleet'),
    ).toBe(true);
    expect(moves.at(-1)).toMatchObject({ after: { state: 'done' }, vfs: [targetVf] });
  }, 400_000);

  it('rolls back when the target refuses the definition: the source keeps domain and VF', async () => {
    const before = await show();
    expect(before.host).toBe('hv-b');
    const domain = before.vm.domain;
    const vf = before.ports[0]?.pciAddress ?? '?';
    // hv-a's image store no longer has the boot image: its agent refuses the definition.
    const a = fleet.hosts.get('hv-a');
    if (a === undefined) throw new Error('no hv-a');
    await rm(join(a.fixture.root, VM_IMAGE_DIR, 'web.qcow2'));

    const back = await cli('instance', 'migrate', 'web', '--to', 'hv-a');
    expect(back.exitCode).toBe(errorCodeInfo.COMMAND_FAILED.exitCode);
    expect(back.stderr).toMatch(
      /migration of web failed at migrate and was rolled back: .*disk image/,
    );
    const after = await show();
    expect(after).toMatchObject({ host: 'hv-b', ports: [{ pciAddress: vf }] });
    expect(fleet.renderOnly.get('hv-b')?.domains().has(domain)).toBe(true);
    expect(fleet.renderOnly.get('hv-a')?.domains().has(domain)).toBe(false);
    expect((await vfInIp('hv-b', vf))?.address).toBe(MAC);
    // The VF reserved on hv-a went back to the pool.
    await wait('hv-a without a held VF', async () =>
      (await fleet.vfsOf('hv-a')).every((v) => v.state === 'free'),
    );
  }, 400_000);

  it('refuses a move to the host it is on, naming it; without --to picks the other', async () => {
    const same = await cli('instance', 'migrate', 'web', '--to', 'hv-b');
    expect(same.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(same.stderr).toContain(
      'instance web already runs on hv-b; a migration needs another host',
    );
    const unknown = await cli('instance', 'migrate', 'web', '--to', 'hv-z');
    expect(unknown.exitCode).toBe(errorCodeInfo.NOT_FOUND.exitCode);
    expect(unknown.stderr).toContain('no host hv-z: `vfleet hosts` lists the hosts');
    // With the image back, the scheduler's choice (no --to) moves it back to hv-a.
    const a = fleet.hosts.get('hv-a');
    if (a === undefined) throw new Error('no hv-a');
    await writeFile(join(a.fixture.root, VM_IMAGE_DIR, 'web.qcow2'), QCOW2_HEAD);
    const chosen = await cli('instance', 'migrate', 'web');
    expect(chosen.exitCode, chosen.stderr).toBe(0);
    expect(chosen.stdout).toMatch(/^instance web moved from hv-b to hv-a \(render-only hosts:/);
  }, 400_000);
});
