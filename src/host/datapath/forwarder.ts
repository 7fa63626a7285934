import { VfleetError } from '../../core/errors.js';
import { renderForwarderInit, guestModulePath } from '../../core/datapath/forwarder-init.js';
import {
  FORWARDER_PREFIX,
  forwarderDomainXml,
  type ForwarderVm,
} from '../../core/datapath/forwarder-vm.js';
import type { GuestImageWriter, InitramfsFile } from '../../core/datapath/guest-image.js';
import type { HypervisorDriver } from '../../core/libvirt/hypervisor-driver.js';
import type { ProgressSink } from '../../core/ports.js';
import type { ApplyIo } from '../host-io.js';

/** The shell and tools of the forwarding VM: a static busybox (Debian's busybox-static), the first found. */
export const GUEST_BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'] as const;

/** How long the forwarding VM may take to say it is ready: seconds under KVM, minutes nested. */
const BOOT_TIMEOUT_MS = 600_000;
const BOOT_POLL_MS = 2000;

export interface ForwarderDeps {
  readonly io: ApplyIo;
  readonly images: GuestImageWriter;
  readonly driver: HypervisorDriver;
  readonly progress: ProgressSink;
  readonly signal: AbortSignal;
}

/** The initramfs: busybox, the modules in load order, the init. */
export async function guestFiles(
  io: ApplyIo,
  images: GuestImageWriter,
  modules: readonly { readonly name: string; readonly file: string }[],
): Promise<InitramfsFile[]> {
  let busybox: string | undefined;
  for (const p of GUEST_BUSYBOX) if (busybox === undefined && (await io.fs.exists(p))) busybox = p;
  const missing = (why: string) =>
    new VfleetError(
      'MISSING_DEPENDENCY',
      `${why}: the forwarding VM needs a static busybox (Debian: apt install busybox-static)`,
      { path: GUEST_BUSYBOX[0], package: 'busybox-static' },
    );
  if (busybox === undefined) throw missing(`no ${GUEST_BUSYBOX.join(' or ')}`);
  const interpreter = await images.interpreterOf(busybox);
  if (interpreter !== null) throw missing(`${busybox} is linked dynamically (${interpreter})`);
  return [
    { path: '/init', mode: 0o755, kind: 'text', text: renderForwarderInit() },
    { path: '/bin/busybox', mode: 0o755, kind: 'host', source: busybox },
    ...modules.map((m, i): InitramfsFile => {
      const suffix = /\.ko(\.[a-z]+)?$/.exec(m.file)?.[1] ?? '';
      return {
        path: guestModulePath(i + 1, m.name, suffix),
        mode: 0o644,
        kind: 'host',
        source: m.file,
      };
    }),
  ];
}

function consoleLines(text: string | null): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith(FORWARDER_PREFIX))
    .map((l) => l.slice(FORWARDER_PREFIX.length).trim());
}

const tail = (text: string | null) =>
  (text ?? '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-8)
    .join(' | ');

/**
 * Defines and starts the VM, then waits for its init to say `ready`,
 * passing each line it says on as progress. A VM that stops, or does not
 * get ready in time, fails the run with the end of its console.
 */
export async function bootForwarder(deps: ForwarderDeps, vm: ForwarderVm): Promise<void> {
  const { io, driver, progress, signal } = deps;
  await driver.define(forwarderDomainXml(vm));
  await driver.start(vm.name);
  const started = io.clock.now();
  let seen = 0;
  for (;;) {
    if (signal.aborted) return;
    const text = await io.fs.readText(vm.console);
    const lines = consoleLines(text);
    for (const line of lines.slice(seen))
      progress({ step: 'forwarder', status: 'info', detail: line });
    seen = lines.length;
    if (lines.includes('ready')) return;
    const state = await driver.domainState(vm.name);
    const waited = io.clock.now() - started;
    if (state !== 'running' || waited > BOOT_TIMEOUT_MS)
      throw new VfleetError(
        'COMMAND_FAILED',
        `the forwarding VM ${vm.name} ${state === 'running' ? `was not ready after ${String(Math.round(waited / 1000))} s` : `stopped (${state ?? 'gone'})`}; its console ended: ${tail(text) || '(nothing)'}`,
        { domain: vm.name },
      );
    await io.clock.sleep(BOOT_POLL_MS);
  }
}

/** Powers the VM off and removes its definition; libvirt gives managed VFs back to the host. */
export async function removeForwarder(driver: HypervisorDriver, name: string): Promise<void> {
  const state = await driver.domainState(name).catch(() => null);
  if (state === null) return;
  if (state !== 'shut-off') await driver.destroy(name).catch(() => undefined);
  await driver.undefine(name).catch(() => undefined);
}
