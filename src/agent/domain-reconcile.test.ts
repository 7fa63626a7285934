import { formatCpuList } from '../core/libvirt/cpu-list.js';
import { describe, expect, it } from 'vitest';
import { createVirshDriver } from '../adapters/virsh/virsh-driver.js';
import type { DomainState, HypervisorDriver } from '../core/libvirt/hypervisor-driver.js';
import { renderDeviceXml, renderDomainXml } from '../core/libvirt/render-domain.js';
import { createRenderOnlyDriver } from '../core/libvirt/render-only-driver.js';
import type { DomainRequest } from '../core/libvirt/domain-request.js';
import {
  exampleDirect,
  exampleInstance,
  exampleNormal,
  exampleVf,
} from '../core/libvirt/domain-request-examples.js';
import type { CommandRunner } from '../core/ports.js';
import { FakeLibvirt } from '../testing/fake-libvirt.js';
import { createDomainKeeper, type WantedDomain } from './domain-reconcile.js';

const A = 'qemu+ssh://hv-a/system';
const B = 'qemu+ssh://hv-b/system';

/** An instance with a VF port p1 and its virtio standby, as the controller renders it. */
function vm(name: string, over: Partial<DomainRequest> = {}): DomainRequest {
  return exampleInstance({
    name,
    ports: [
      exampleNormal({
        id: 'p1-standby',
        mac: 'fa:16:3e:00:00:01',
        standbyFor: 'p1',
        source: { kind: 'bridge', bridge: 'br-fo' },
      }),
      exampleDirect({ id: 'p1', mac: 'fa:16:3e:00:00:01', vlan: 2401 }),
    ],
    ...over,
  });
}

const xmlOf = (w: DomainRequest) => renderDomainXml(w).xml;

/** The re-pinning calls a running guest gets when its definition changes: one per vCPU, then the emulator. */
const pinVerbs = (w: DomainRequest) => [
  ...Array.from({ length: w.vcpus }, () => 'vcpupin'),
  'emulatorpin',
];

const running = (w: DomainRequest, instanceId = `id-${w.name}`): WantedDomain => ({
  instanceId,
  name: w.name,
  state: 'running',
  xml: xmlOf(w),
});

const absent = (name: string, instanceId = `id-${name}`): WantedDomain => ({
  instanceId,
  name,
  state: 'absent',
  xml: null,
});

/** Two hosts' libvirt, an agent keeper for each, and the virsh calls from a point on. */
function world() {
  const libvirt = new FakeLibvirt([A, B]);
  const keeper = (uri: string) =>
    createDomainKeeper(createVirshDriver(libvirt.runner(uri), { uri }));
  let mark = 0;
  return {
    libvirt,
    keeper,
    /** Calls since the last `since()`, as `uri verb args...` without the temp file path. */
    since(): string[][] {
      const out = libvirt.calls.slice(mark).map((c) => [c.uri, ...c.argv]);
      mark = libvirt.calls.length;
      return out;
    },
    dom: (uri: string, name: string) => libvirt.domains(uri).get(name),
  };
}

describe('domain keeper over virsh: reconcile', () => {
  it('defines then starts a wanted domain that does not exist', async () => {
    const w = world();
    const want = running(vm('vm-1'));
    const results = await w.keeper(A).reconcile([want]);
    expect(results).toEqual([
      { instanceId: 'id-vm-1', state: 'running', message: null, hypervisor: 'virsh' },
    ]);
    expect(w.since()).toEqual([
      [A, 'domstate', '--domain', 'vm-1'],
      [A, 'define', '--file'],
      [A, 'start', '--domain', 'vm-1'],
      [A, 'domstate', '--domain', 'vm-1'],
    ]);
    // virsh read the very document the controller sent.
    expect(w.libvirt.calls.find((c) => c.argv[0] === 'define')?.doc).toBe(want.xml);
    expect(w.dom(A, 'vm-1')).toMatchObject({ xml: want.xml, state: 'running' });
    expect(w.dom(B, 'vm-1')).toBeUndefined();
  });

  it('reconciling the same list again only looks', async () => {
    const w = world();
    const k = w.keeper(A);
    const list = [running(vm('vm-1')), running(vm('vm-2'))];
    await k.reconcile(list);
    w.since();
    const again = await k.reconcile(list);
    expect(again.map((r) => [r.instanceId, r.state])).toEqual([
      ['id-vm-1', 'running'],
      ['id-vm-2', 'running'],
    ]);
    expect(w.since().map((c) => c[1])).toEqual(['domstate', 'domstate', 'domstate', 'domstate']);
  });

  it('re-defines a changed domain but does not restart it', async () => {
    const w = world();
    const k = w.keeper(A);
    await k.reconcile([running(vm('vm-1'))]);
    w.since();
    const bigger = running(vm('vm-1', { memoryMb: 8192 }));
    expect(bigger.xml).not.toBe(xmlOf(vm('vm-1')));
    const [r] = await k.reconcile([bigger]);
    expect(r?.state).toBe('running');
    const cpus = renderDomainXml(vm('vm-1', { memoryMb: 8192 })).placement?.cpus ?? [];
    const cpulist = formatCpuList(cpus);
    expect(w.since()).toEqual([
      [A, 'domstate', '--domain', 'vm-1'],
      [A, 'define', '--file'],
      ...Array.from({ length: vm('vm-1').vcpus }, (_, i) => [
        A,
        'vcpupin',
        '--domain',
        'vm-1',
        '--vcpu',
        String(i),
        '--cpulist',
        cpulist,
        '--live',
      ]),
      [A, 'emulatorpin', '--domain', 'vm-1', '--cpulist', cpulist, '--live'],
      [A, 'domstate', '--domain', 'vm-1'],
    ]);
    expect(w.dom(A, 'vm-1')).toMatchObject({ xml: bigger.xml, state: 'running' });
    // And the new definition is now the known one.
    await k.reconcile([bigger]);
    expect(w.since().map((c) => c[1])).toEqual(['domstate', 'domstate']);
  });

  it('starts a domain found shut off, without defining it again', async () => {
    const w = world();
    const k = w.keeper(A);
    const want = running(vm('vm-1'));
    await k.reconcile([want]);
    const d = w.dom(A, 'vm-1');
    if (d === undefined) throw new Error('vm-1 not defined');
    d.state = 'shut off'; // the guest powered itself off
    w.since();
    const [r] = await k.reconcile([want]);
    expect(r?.state).toBe('running');
    expect(w.since()).toEqual([
      [A, 'domstate', '--domain', 'vm-1'],
      [A, 'start', '--domain', 'vm-1'],
      [A, 'domstate', '--domain', 'vm-1'],
    ]);
    expect(w.dom(A, 'vm-1')?.state).toBe('running');
  });

  it('a restarted agent defines a running domain once more, and does not restart it', async () => {
    const w = world();
    const want = running(vm('vm-1'));
    await w.keeper(A).reconcile([want]);
    w.since();
    const [r] = await w.keeper(A).reconcile([want]);
    expect(r?.state).toBe('running');
    // Re-pinned with the same pins: harmless, and right after a migration brought the guest here.
    expect(w.since().map((c) => c[1])).toEqual([
      'domstate',
      'define',
      ...pinVerbs(vm('vm-1')),
      'domstate',
    ]);
  });

  it("'absent' destroys a running domain, then undefines it", async () => {
    const w = world();
    const k = w.keeper(A);
    await k.reconcile([running(vm('vm-1'))]);
    w.since();
    const results = await k.reconcile([absent('vm-1')]);
    expect(results).toEqual([
      { instanceId: 'id-vm-1', state: 'absent', message: null, hypervisor: 'virsh' },
    ]);
    expect(w.since()).toEqual([
      [A, 'domstate', '--domain', 'vm-1'],
      [A, 'destroy', '--domain', 'vm-1'],
      [A, 'undefine', '--domain', 'vm-1', '--nvram'],
    ]);
    expect(w.dom(A, 'vm-1')).toBeUndefined();
  });

  it("'absent' only undefines a domain that is shut off", async () => {
    const w = world();
    const k = w.keeper(A);
    await k.reconcile([running(vm('vm-1'))]);
    const d = w.dom(A, 'vm-1');
    if (d === undefined) throw new Error('vm-1 not defined');
    d.state = 'shut off';
    w.since();
    const [r] = await k.reconcile([absent('vm-1')]);
    expect(r?.state).toBe('absent');
    expect(w.since().map((c) => c[1])).toEqual(['domstate', 'undefine']);
    expect(w.dom(A, 'vm-1')).toBeUndefined();
  });

  it("'absent' for a domain that does not exist is done already", async () => {
    const w = world();
    const results = await w.keeper(A).reconcile([absent('vm-gone')]);
    expect(results).toEqual([
      { instanceId: 'id-vm-gone', state: 'absent', message: null, hypervisor: 'virsh' },
    ]);
    expect(w.since()).toEqual([[A, 'domstate', '--domain', 'vm-gone']]);
  });

  it('a domain deleted then wanted again is defined afresh', async () => {
    const w = world();
    const k = w.keeper(A);
    const want = running(vm('vm-1'));
    await k.reconcile([want]);
    await k.reconcile([absent('vm-1')]);
    w.since();
    const [r] = await k.reconcile([want]);
    expect(r?.state).toBe('running');
    expect(w.since().map((c) => c[1])).toEqual(['domstate', 'define', 'start', 'domstate']);
  });

  it('never touches a domain it was not given', async () => {
    const w = world();
    const theirs = xmlOf(vm('tenant-own', { uuid: '11111111-2222-4333-8444-555555555555' }));
    w.libvirt
      .domains(A)
      .set('tenant-own', { xml: theirs, state: 'running', live: new Map(), livePins: new Map() });
    w.libvirt
      .domains(A)
      .set('tenant-off', { xml: theirs, state: 'shut off', live: new Map(), livePins: new Map() });
    const k = w.keeper(A);
    expect(await k.reconcile([])).toEqual([]);
    await k.reconcile([running(vm('vm-1')), absent('vm-2')]);
    await k.reconcile([absent('vm-1')]);
    expect(w.libvirt.calls.length).toBeGreaterThan(0);
    const named = w.libvirt.calls.flatMap((c) => [...c.argv, c.doc ?? '']).join(' ');
    expect(named).not.toContain('tenant-');
    expect(w.dom(A, 'tenant-own')).toEqual({
      xml: theirs,
      state: 'running',
      live: new Map(),
      livePins: new Map(),
    });
    expect(w.dom(A, 'tenant-off')?.state).toBe('shut off');
  });

  it("a failing define fails that domain with libvirt's words; the next ones still go", async () => {
    const w = world();
    const k = w.keeper(A);
    const message = "unsupported configuration: host doesn't support VFIO PCI passthrough";
    w.libvirt.failNext(`${A} define`, message);
    const results = await k.reconcile([running(vm('vm-1')), running(vm('vm-2')), absent('vm-3')]);
    expect(results.map((r) => [r.instanceId, r.state, r.hypervisor])).toEqual([
      ['id-vm-1', 'failed', 'virsh'],
      ['id-vm-2', 'running', 'virsh'],
      ['id-vm-3', 'absent', 'virsh'],
    ]);
    expect(results[0]?.message).toContain(message);
    expect(results[1]?.message).toBeNull();
    // vm-1 was neither started nor taken as defined: the next round defines it again.
    expect(w.dom(A, 'vm-1')).toBeUndefined();
    expect(w.since()).toEqual([
      [A, 'domstate', '--domain', 'vm-1'],
      [A, 'define', '--file'],
      [A, 'domstate', '--domain', 'vm-2'],
      [A, 'define', '--file'],
      [A, 'start', '--domain', 'vm-2'],
      [A, 'domstate', '--domain', 'vm-2'],
      [A, 'domstate', '--domain', 'vm-3'],
    ]);
    const [again] = await k.reconcile([running(vm('vm-1'))]);
    expect(again).toMatchObject({ state: 'running', message: null });
    expect(w.since().map((c) => c[1])).toEqual(['domstate', 'define', 'start', 'domstate']);
  });

  it('a failing start fails the domain; the next round starts it without a define', async () => {
    const w = world();
    const k = w.keeper(A);
    w.libvirt.failNext(
      'start --domain vm-1',
      'internal error: qemu unexpectedly closed the monitor',
    );
    const [r] = await k.reconcile([running(vm('vm-1'))]);
    expect(r).toMatchObject({ state: 'failed', hypervisor: 'virsh' });
    expect(r?.message).toContain('qemu unexpectedly closed the monitor');
    expect(w.dom(A, 'vm-1')?.state).toBe('shut off');
    w.since();
    const [again] = await k.reconcile([running(vm('vm-1'))]);
    expect(again?.state).toBe('running');
    expect(w.since().map((c) => c[1])).toEqual(['domstate', 'start', 'domstate']);
  });

  it('a failing destroy fails the deletion and leaves the definition', async () => {
    const w = world();
    const k = w.keeper(A);
    await k.reconcile([running(vm('vm-1'))]);
    w.libvirt.failNext('destroy --domain vm-1', 'operation failed: failed to kill qemu process');
    w.since();
    const [r] = await k.reconcile([absent('vm-1')]);
    expect(r?.state).toBe('failed');
    expect(r?.message).toContain('failed to kill qemu process');
    expect(w.since().map((c) => c[1])).toEqual(['domstate', 'destroy']);
    expect(w.dom(A, 'vm-1')?.state).toBe('running');
  });

  it('a running domain without XML fails and nothing is defined', async () => {
    const w = world();
    const [r] = await w.keeper(A).reconcile([{ ...running(vm('vm-1')), xml: null }]);
    expect(r).toEqual({
      instanceId: 'id-vm-1',
      state: 'failed',
      message: 'the controller sent no domain XML',
      hypervisor: 'virsh',
    });
    expect(w.since().map((c) => c[1])).toEqual(['domstate']);
  });
});

describe('domain keeper over virsh: tasks', () => {
  /** vm-1 running on hv-a, with the VF of p1 plugged. */
  async function booted() {
    const w = world();
    const inst = vm('vm-1');
    const a = w.keeper(A);
    await a.reconcile([running(inst)]);
    w.since();
    return { w, a, inst, vfXml: renderDeviceXml(inst, 'p1') };
  }

  it('attach-device and detach-device pass the device and the scope flags to virsh', async () => {
    const { w, a, vfXml } = await booted();
    expect(w.dom(A, 'vm-1')?.live.has('ua-p1')).toBe(true);

    const detach = await a.runTask({
      id: 't1',
      op: 'detach-device',
      args: { domain: 'vm-1', xml: vfXml, scope: { live: true } },
    });
    expect(detach).toEqual({ ok: true, message: null });
    expect(w.dom(A, 'vm-1')?.live.has('ua-p1')).toBe(false);

    const attach = await a.runTask({
      id: 't2',
      op: 'attach-device',
      args: { domain: 'vm-1', xml: vfXml, scope: { live: true, config: true } },
    });
    expect(attach).toEqual({ ok: true, message: null });
    expect(w.dom(A, 'vm-1')?.live.get('ua-p1')).toBe(vfXml);

    const configOnly = await a.runTask({
      id: 't3',
      op: 'detach-device',
      args: { domain: 'vm-1', xml: vfXml, scope: { config: true } },
    });
    expect(configOnly.ok).toBe(true);
    // Only the persistent definition changed: the guest keeps the device.
    expect(w.dom(A, 'vm-1')?.live.has('ua-p1')).toBe(true);

    expect(w.since()).toEqual([
      [A, 'detach-device', '--domain', 'vm-1', '--file', '--live'],
      // A live detach waits for the guest to release the device.
      [A, 'dumpxml', '--domain', 'vm-1'],
      [A, 'attach-device', '--domain', 'vm-1', '--file', '--live', '--config'],
      [A, 'detach-device', '--domain', 'vm-1', '--file', '--config'],
    ]);
    expect(w.libvirt.calls.slice(-4).map((c) => c.doc)).toEqual([vfXml, null, vfXml, vfXml]);
  });

  it('a device change that fails in libvirt is a failed task with its words', async () => {
    const { w, a, vfXml } = await booted();
    const args = { domain: 'vm-1', xml: vfXml, scope: { live: true } };
    // Plugged already: libvirt refuses a second one with the same alias.
    const r = await a.runTask({ id: 't1', op: 'attach-device', args });
    expect(r.ok).toBe(false);
    expect(r.message).toContain('device ua-p1 already exists');
    expect(w.since().map((c) => c[1])).toEqual(['attach-device']);
  });

  it('a device change with no scope is refused before virsh runs', async () => {
    const { w, a, vfXml } = await booted();
    for (const [id, scope] of [
      ['t1', undefined],
      ['t2', {}],
      ['t3', { live: false, config: false }],
      ['t4', 'live'],
    ] as const) {
      const r = await a.runTask({
        id,
        op: 'attach-device',
        args: { domain: 'vm-1', xml: vfXml, scope },
      });
      expect(r).toEqual({ ok: false, message: 'a device change needs live, config or both' });
    }
    expect(w.since()).toEqual([]);
  });

  it('migrate moves the domain live and persistently, leaving no copy behind', async () => {
    const { w, a, inst, vfXml } = await booted();
    const b = w.keeper(B);
    // libvirt will not migrate a guest with a VF plugged: unplug first, as the migration does.
    const refused = await a.runTask({
      id: 'm0',
      op: 'migrate',
      args: { domain: 'vm-1', targetUri: B },
    });
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('assigned non-USB host devices');
    expect(w.dom(A, 'vm-1')?.state).toBe('running');
    await a.runTask({
      id: 'm1',
      op: 'detach-device',
      args: { domain: 'vm-1', xml: vfXml, scope: { live: true } },
    });
    w.since();

    const moved = await a.runTask({
      id: 'm2',
      op: 'migrate',
      args: { domain: 'vm-1', targetUri: B },
    });
    expect(moved).toEqual({ ok: true, message: null });
    expect(w.since()).toEqual([
      [
        A,
        'migrate',
        '--live',
        '--persistent',
        '--undefinesource',
        '--p2p',
        '--domain',
        'vm-1',
        '--desturi',
        B,
      ],
    ]);
    expect(w.dom(A, 'vm-1')).toBeUndefined();
    expect(w.dom(B, 'vm-1')?.state).toBe('running');

    // The target's agent takes it over with the target VF: defined, not restarted, VF plugged.
    const there = vm('vm-1', {
      ports: inst.ports.map((p) =>
        p.vnicType === 'direct' ? { ...p, vf: exampleVf({ pciAddress: '0000:5e:02.1' }) } : p,
      ),
    });
    const [r] = await b.reconcile([running(there)]);
    expect(r).toMatchObject({ state: 'running', hypervisor: 'virsh' });
    const plug = await b.runTask({
      id: 'm3',
      op: 'attach-device',
      args: {
        domain: 'vm-1',
        xml: renderDeviceXml(there, 'p1'),
        scope: { live: true, config: true },
      },
    });
    expect(plug.ok).toBe(true);
    expect(w.since().map((c) => [c[0], c[1]])).toEqual([
      [B, 'domstate'],
      [B, 'define'],
      ...pinVerbs(there).map((v) => [B, v]),
      [B, 'domstate'],
      [B, 'attach-device'],
    ]);
    // The guest's vCPUs now run on the CPUs the target's definition names.
    const targetCpus = renderDomainXml(there).placement?.cpus ?? [];
    expect(w.dom(B, 'vm-1')?.livePins.get('vcpu0')).toBe(formatCpuList(targetCpus));
    expect(w.dom(B, 'vm-1')?.live.get('ua-p1')).toContain('0x5e');

    // The source, told the domain is to go, finds nothing to do.
    const [gone] = await a.reconcile([absent('vm-1')]);
    expect(gone?.state).toBe('absent');
    expect(w.since()).toEqual([[A, 'domstate', '--domain', 'vm-1']]);
  });

  /** vm-1 as hv-b defines it (its own VF), running there with the VF unplugged, then sent to `to`. */
  const onB = vm('vm-1', {
    ports: vm('vm-1').ports.map((p) =>
      p.vnicType === 'direct' ? { ...p, vf: exampleVf({ pciAddress: '0000:5e:02.1' }) } : p,
    ),
  });

  async function arriveFromB(w: ReturnType<typeof world>, to: string, key: string) {
    const b = w.keeper(B);
    await b.reconcile([running(onB)]);
    const unplug = { domain: 'vm-1', xml: renderDeviceXml(onB, 'p1'), scope: { live: true } };
    expect((await b.runTask({ id: `${key}-u`, op: 'detach-device', args: unplug })).ok).toBe(true);
    const sent = await b.runTask({
      id: `${key}-m`,
      op: 'migrate',
      args: { domain: 'vm-1', targetUri: to },
    });
    expect(sent).toEqual({ ok: true, message: null });
    return xmlOf(onB);
  }

  it("a domain that left and came back is defined again: it carries the other host's definition", async () => {
    const { w, a, inst, vfXml } = await booted();
    await a.runTask({
      id: 't1',
      op: 'detach-device',
      args: { domain: 'vm-1', xml: vfXml, scope: { live: true } },
    });
    const away = await a.runTask({
      id: 't2',
      op: 'migrate',
      args: { domain: 'vm-1', targetUri: B },
    });
    expect(away.ok).toBe(true);
    // hv-b plugs its own VF, as a migration's last step does.
    const plugOnB = await w.keeper(B).runTask({
      id: 't3',
      op: 'attach-device',
      args: {
        domain: 'vm-1',
        xml: renderDeviceXml(onB, 'p1'),
        scope: { live: true },
      },
    });
    expect(plugOnB.ok).toBe(true);
    const theirs = await arriveFromB(w, A, 'back');
    expect(w.dom(A, 'vm-1')?.xml).toBe(theirs);
    w.since();
    const [r] = await a.reconcile([running(inst)]);
    expect(r?.state).toBe('running');
    expect(w.since().map((c) => [c[0], c[1]])).toEqual([
      [A, 'domstate'],
      [A, 'define'],
      ...pinVerbs(inst).map((v) => [A, v]),
      [A, 'domstate'],
    ]);
    expect(w.dom(A, 'vm-1')).toMatchObject({ xml: xmlOf(inst), state: 'running' });
  });

  it('so is a domain deleted here that arrives from another host', async () => {
    const { w, a, inst } = await booted();
    await a.reconcile([absent('vm-1')]);
    await arriveFromB(w, A, 'in');
    w.since();
    await a.reconcile([running(inst)]);
    expect(w.since().map((c) => c[1])).toEqual([
      'domstate',
      'define',
      ...pinVerbs(inst),
      'domstate',
    ]);
    expect(w.dom(A, 'vm-1')?.xml).toBe(xmlOf(inst));
  });

  it('a task re-sent with the same id is answered, not run again', async () => {
    const { w, a, vfXml } = await booted();
    const task = {
      id: 't1',
      op: 'detach-device',
      args: { domain: 'vm-1', xml: vfXml, scope: { live: true } },
    };
    const first = await a.runTask(task);
    const second = await a.runTask(task);
    expect(first).toEqual({ ok: true, message: null });
    expect(second).toEqual(first);
    // Run again, libvirt would have said the device is gone.
    expect(w.since().map((c) => c[1])).toEqual(['detach-device', 'dumpxml']);
  });

  it('a failed task re-sent with the same id keeps its failure and does not run again', async () => {
    const { w, a } = await booted();
    const task = { id: 'm1', op: 'migrate', args: { domain: 'vm-1', targetUri: B } };
    const first = await a.runTask(task);
    expect(first.ok).toBe(false);
    const second = await a.runTask(task);
    expect(second).toEqual(first);
    expect(w.since().map((c) => c[1])).toEqual(['migrate']);
    // Another id is another task.
    await a.runTask({ ...task, id: 'm2' });
    expect(w.since().map((c) => c[1])).toEqual(['migrate']);
  });

  it('an unknown op or a missing argument is a failed task, and virsh never runs', async () => {
    const { w, a, vfXml } = await booted();
    const cases = [
      [{ op: 'reboot', args: { domain: 'vm-1' } }, 'unknown task reboot'],
      [{ op: 'attach-device', args: { xml: vfXml, scope: { live: true } } }, 'domain'],
      [{ op: 'attach-device', args: { domain: '', xml: vfXml, scope: { live: true } } }, 'domain'],
      [{ op: 'attach-device', args: { domain: 7, xml: vfXml, scope: { live: true } } }, 'domain'],
      [{ op: 'detach-device', args: { domain: 'vm-1', scope: { live: true } } }, 'xml'],
      [{ op: 'migrate', args: { domain: 'vm-1' } }, 'targetUri'],
      [{ op: 'migrate', args: { domain: 'vm-1', targetUri: null } }, 'targetUri'],
    ] as const;
    for (const [i, [t, what]] of cases.entries()) {
      const r = await a.runTask({ id: `bad-${i}`, ...t });
      expect(r.ok, JSON.stringify(t)).toBe(false);
      expect(r.message).toBe(
        what.startsWith('unknown') ? what : `task argument ${what} is missing`,
      );
    }
    expect(w.since()).toEqual([]);
    expect(w.dom(A, 'vm-1')?.live.has('ua-p1')).toBe(true);
  });
});

describe('domain keeper over the render-only driver', () => {
  it('keeps the same domains, and says it only renders', async () => {
    const driver = createRenderOnlyDriver();
    const k = createDomainKeeper(driver);
    const one = running(vm('vm-1'));
    const results = await k.reconcile([one, absent('vm-2')]);
    expect(results).toEqual([
      { instanceId: 'id-vm-1', state: 'running', message: null, hypervisor: 'render-only' },
      { instanceId: 'id-vm-2', state: 'absent', message: null, hypervisor: 'render-only' },
    ]);
    expect(driver.domains().get('vm-1')).toMatchObject({ xml: one.xml, state: 'running' });

    const changed = running(vm('vm-1', { vcpus: 2 }));
    await k.reconcile([changed]);
    expect(driver.domains().get('vm-1')).toMatchObject({ xml: changed.xml, state: 'running' });

    const [gone] = await k.reconcile([absent('vm-1')]);
    expect(gone?.state).toBe('absent');
    expect(driver.domains().size).toBe(0);
  });

  it('records config device changes and cannot migrate', async () => {
    const driver = createRenderOnlyDriver();
    const k = createDomainKeeper(driver);
    const inst = vm('vm-1');
    await k.reconcile([running(inst)]);
    const dev = renderDeviceXml(inst, 'p1');
    const plug = await k.runTask({
      id: 't1',
      op: 'attach-device',
      args: { domain: 'vm-1', xml: dev, scope: { config: true } },
    });
    expect(plug).toEqual({ ok: true, message: null });
    expect(driver.domains().get('vm-1')?.attached).toEqual([dev]);
    const mig = await k.runTask({
      id: 't2',
      op: 'migrate',
      args: { domain: 'vm-1', targetUri: B },
    });
    expect(mig.ok).toBe(false);
    expect(mig.message).toContain('live migration needs libvirt');
    expect(driver.domains().get('vm-1')?.state).toBe('running');
  });

  it('a refused definition is a failed domain from the render-only driver', async () => {
    const k = createDomainKeeper(createRenderOnlyDriver());
    const [r] = await k.reconcile([
      { instanceId: 'i', name: 'vm-x', state: 'running', xml: '<network><name>x</name></network>' },
    ]);
    expect(r).toMatchObject({ instanceId: 'i', state: 'failed', hypervisor: 'render-only' });
    expect(r?.message).toContain('<domain>');
  });
});

describe('domain keeper: a render-only move', () => {
  it('defines the arriving definition, checked and "started", and removes the leaving one', async () => {
    const target = createRenderOnlyDriver();
    const source = createRenderOnlyDriver();
    const there = createDomainKeeper(target);
    const here = createDomainKeeper(source);
    const inst = vm('vm-1');
    const one = running(inst);
    await here.reconcile([one]);
    const arrive = await there.runTask({
      id: 't1',
      op: 'define-domain',
      args: { domain: 'vm-1', xml: one.xml, instanceId: 'id-vm-1', policy: 'trusted' },
    });
    expect(arrive).toEqual({ ok: true, message: null });
    expect(target.domains().get('vm-1')).toMatchObject({ xml: one.xml, state: 'running' });
    const leave = await here.runTask({ id: 't2', op: 'undefine-domain', args: { domain: 'vm-1' } });
    expect(leave).toEqual({ ok: true, message: null });
    expect(source.domains().has('vm-1')).toBe(false);
    // The keeper knows it defined it: the same definition listed later is not defined again.
    expect(await there.reconcile([one])).toMatchObject([{ state: 'running' }]);
  });

  it("runs the host's checks first: a refused definition is not defined", async () => {
    const target = createRenderOnlyDriver();
    const refusing = {
      domain: () => Promise.resolve('refused: disk image web.qcow2 does not exist'),
      device: () => null,
    };
    const k = createDomainKeeper(target, refusing);
    const r = await k.runTask({
      id: 't1',
      op: 'define-domain',
      args: { domain: 'vm-1', xml: running(vm('vm-1')).xml, instanceId: 'id-vm-1' },
    });
    expect(r).toEqual({ ok: false, message: 'refused: disk image web.qcow2 does not exist' });
    expect(target.domains().size).toBe(0);
  });

  it('never moves a definition on a libvirt host (that would start a second copy)', async () => {
    const driver = { ...createRenderOnlyDriver(), kind: 'virsh' as const };
    const k = createDomainKeeper(driver);
    for (const op of ['define-domain', 'undefine-domain']) {
      const r = await k.runTask({
        id: op,
        op,
        args: { domain: 'vm-1', xml: running(vm('vm-1')).xml, instanceId: 'id-vm-1' },
      });
      expect(r).toEqual({
        ok: false,
        message: `${op} moves render-only definitions only; this host drives libvirt`,
      });
    }
    expect(driver.domains().size).toBe(0);
  });
});

describe('domain keeper: paused domains', () => {
  /** The render-only driver, with the domain state read from `states` (libvirt can pause a guest). */
  function pausable(states: Map<string, DomainState>) {
    const inner = createRenderOnlyDriver();
    const calls: string[] = [];
    const driver: HypervisorDriver = {
      ...inner,
      domainState: (name) => Promise.resolve(states.get(name) ?? null),
      define: (xml) => (calls.push('define'), inner.define(xml)),
      start: (name) => (calls.push('start'), inner.start(name)),
      destroy: (name) => (
        calls.push('destroy'),
        Promise.resolve(void states.set(name, 'shut-off'))
      ),
      undefine: (name) => (calls.push('undefine'), Promise.resolve(void states.delete(name))),
    };
    return { driver, calls };
  }

  it('a paused domain is neither started nor restarted, and is reported paused', async () => {
    const states = new Map<string, DomainState>([['vm-1', 'paused']]);
    const { driver, calls } = pausable(states);
    const [r] = await createDomainKeeper(driver).reconcile([running(vm('vm-1'))]);
    expect(r?.state).toBe('paused');
    expect(calls).toEqual(['define']);
  });

  it("'absent' destroys a paused domain before undefining it", async () => {
    const states = new Map<string, DomainState>([['vm-1', 'paused']]);
    const { driver, calls } = pausable(states);
    const [r] = await createDomainKeeper(driver).reconcile([absent('vm-1')]);
    expect(r?.state).toBe('absent');
    expect(calls).toEqual(['destroy', 'undefine']);
    expect(states.has('vm-1')).toBe(false);
  });
});

describe("domain keeper: states virsh reports as 'other'", () => {
  /** hv-a's virsh, with `domstate` showing `shown` for a defined domain (states the fake does not model). */
  function showing(libvirt: FakeLibvirt, shown: string): CommandRunner {
    const inner = libvirt.runner(A);
    return {
      run(command, args, options) {
        const name = args[args.indexOf('--domain') + 1] ?? '';
        if (args.includes('domstate') && libvirt.domains(A).has(name))
          return Promise.resolve({ exitCode: 0, stdout: `${shown}\n`, stderr: '' });
        return inner.run(command, args, options);
      },
    };
  }

  it.each(['pmsuspended', 'in shutdown', 'idle'])(
    "'absent' powers off a guest still alive (%s) before undefining it",
    async (shown) => {
      const w = world();
      await w.keeper(A).reconcile([running(vm('vm-1'))]);
      w.since();
      const driver = createVirshDriver(showing(w.libvirt, shown), { uri: A });
      expect(await driver.domainState('vm-1')).toBe('other');
      const [r] = await createDomainKeeper(driver).reconcile([absent('vm-1')]);
      expect(r).toMatchObject({ state: 'absent', message: null });
      // An undefined but running guest would live on as a transient domain, holding its VF.
      expect(w.since().map((c) => c[1])).toEqual(['destroy', 'undefine']);
      expect(w.dom(A, 'vm-1')).toBeUndefined();
    },
  );

  it("'absent' still undefines a guest that is no longer running (crashed)", async () => {
    const w = world();
    await w.keeper(A).reconcile([running(vm('vm-1'))]);
    const d = w.dom(A, 'vm-1');
    if (d === undefined) throw new Error('vm-1 not defined');
    d.state = 'shut off';
    w.since();
    const driver = createVirshDriver(showing(w.libvirt, 'crashed'), { uri: A });
    const [r] = await createDomainKeeper(driver).reconcile([absent('vm-1')]);
    expect(r).toMatchObject({ state: 'absent', message: null });
    expect(
      w
        .since()
        .map((c) => c[1])
        .at(-1),
    ).toBe('undefine');
    expect(w.dom(A, 'vm-1')).toBeUndefined();
  });

  it('a failure to power off other than "not running" still fails the deletion', async () => {
    const w = world();
    await w.keeper(A).reconcile([running(vm('vm-1'))]);
    w.libvirt.failNext('destroy --domain vm-1', 'operation failed: failed to kill qemu process');
    w.since();
    const driver = createVirshDriver(showing(w.libvirt, 'in shutdown'), { uri: A });
    const [r] = await createDomainKeeper(driver).reconcile([absent('vm-1')]);
    expect(r?.state).toBe('failed');
    expect(r?.message).toContain('failed to kill qemu process');
    expect(w.since().map((c) => c[1])).toEqual(['destroy']);
    expect(w.dom(A, 'vm-1')?.state).toBe('running');
  });
});
