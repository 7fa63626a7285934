import type { RunFolders } from '../../core/datapath/guest-image.js';
import { runIdOfDomain, runIdOfLink } from '../../core/datapath/vm-path-plan.js';
import type { HypervisorDriver } from '../../core/libvirt/hypervisor-driver.js';
import type { CommandRunner, HostFs } from '../../core/ports.js';
import { removeForwarder } from './forwarder.js';
import { runIp } from './netns-io.js';
import { runGone } from './stale-netns.js';

export interface StaleIo {
  readonly runner: CommandRunner;
  readonly fs: HostFs;
}

/**
 * What a VM run killed outright left behind: its forwarding VM (libvirt
 * gives its VFs back as it goes), its folder, and its bridges and veths on
 * the host. Returns what it removed; a run still going is left alone.
 */
export async function removeStaleForwarders(
  io: StaleIo,
  driver: HypervisorDriver,
  folders: RunFolders,
): Promise<string[]> {
  const removed: string[] = [];
  const listed = await io.runner.run('virsh', ['list', '--all', '--name']).catch(() => null);
  const domains = (listed?.exitCode === 0 ? listed.stdout : '').split('\n').map((l) => l.trim());
  for (const name of domains) {
    if (!(await runGone(io.fs, runIdOfDomain(name)))) continue;
    await removeForwarder(driver, name);
    await folders.remove(name).catch(() => undefined);
    removed.push(`VM ${name}`);
  }
  const links = JSON.parse(await runIp(io.runner, ['-j', 'link', 'show'])) as {
    ifname?: unknown;
  }[];
  for (const { ifname } of links) {
    if (typeof ifname !== 'string' || !(await runGone(io.fs, runIdOfLink(ifname)))) continue;
    // A veth's peer may have gone with it already.
    await runIp(io.runner, ['link', 'del', 'dev', ifname]).catch(() => undefined);
    removed.push(`link ${ifname}`);
  }
  return removed;
}
