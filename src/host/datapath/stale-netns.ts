import { runIdOfNetns } from '../../core/datapath/netns-plan.js';
import type { CommandRunner, HostFs } from '../../core/ports.js';
import { runIp } from './netns-io.js';

interface LinkEntry {
  readonly ifname?: unknown;
  readonly linkinfo?: { readonly info_kind?: unknown };
}

/** A run id (a process id) whose process is gone: what it left may be removed. */
export const runGone = async (fs: HostFs, runId: string | null): Promise<boolean> =>
  runId !== null && !(await fs.exists(`/proc/${runId}`));

/**
 * Namespaces a run left behind when it was killed outright (SIGKILL, a
 * crash): named by a run whose process is gone. Their VFs go back to the
 * host, their macvlans are deleted, then the namespaces. Returns the names
 * removed. Another run still going is left alone.
 */
export async function removeStaleNetns(runner: CommandRunner, fs: HostFs): Promise<string[]> {
  const listed = await runIp(runner, ['-j', 'netns', 'list']).catch(() => '');
  const names = (listed.trim() === '' ? [] : (JSON.parse(listed) as { name?: unknown }[]))
    .map((n) => n.name)
    .filter((n): n is string => typeof n === 'string');
  const removed: string[] = [];
  for (const ns of names) {
    const runId = runIdOfNetns(ns);
    if (!(await runGone(fs, runId))) continue;
    const links = JSON.parse(
      await runIp(runner, ['-n', ns, '-j', '-d', 'link', 'show']),
    ) as LinkEntry[];
    for (const l of links) {
      if (typeof l.ifname !== 'string' || l.ifname === 'lo') continue;
      const virtual = l.linkinfo?.info_kind === 'macvlan';
      await runIp(
        runner,
        virtual
          ? ['-n', ns, 'link', 'del', l.ifname]
          : ['-n', ns, 'link', 'set', 'dev', l.ifname, 'netns', '1'],
      ).catch(() => undefined);
    }
    await runIp(runner, ['netns', 'del', ns]);
    removed.push(ns);
  }
  return removed;
}
