import { VfleetError } from '../../core/errors.js';
import type { PktgenCommand } from '../../core/datapath/pktgen-commands.js';
import type { IpArgv } from '../../core/datapath/netns-plan.js';
import type { CommandRunner, RunOptions } from '../../core/ports.js';

/** The programs a namespace run needs: iproute2's `ip`, and `tee`, `cat`, `ping` inside it. */
async function checked(
  runner: CommandRunner,
  command: string,
  args: readonly string[],
  options?: RunOptions,
): Promise<string> {
  const r = await runner.run(command, args, options);
  if (r.exitCode !== 0) {
    const said = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-2).join('; ');
    throw new VfleetError(
      'COMMAND_FAILED',
      `${command} ${args.join(' ')}: exit ${String(r.exitCode)}${said === '' ? '' : `: ${said}`}`,
      { command, args },
    );
  }
  return r.stdout;
}

export const runIp = (runner: CommandRunner, argv: IpArgv): Promise<string> =>
  checked(runner, 'ip', argv);

/**
 * One pktgen command, as one write(2) in the namespace's /proc/net/pktgen
 * (`tee` writes what it read in one go; pktgen takes one command per
 * write). `start` returns only when the run has ended.
 */
export async function writePktgen(
  runner: CommandRunner,
  netns: string,
  c: PktgenCommand,
  timeoutMs?: number,
): Promise<void> {
  await checked(runner, 'ip', ['netns', 'exec', netns, 'tee', `/proc/net/pktgen/${c.file}`], {
    input: `${c.command}\n`,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

export const readPktgen = (runner: CommandRunner, netns: string, file: string): Promise<string> =>
  checked(runner, 'ip', ['netns', 'exec', netns, 'cat', `/proc/net/pktgen/${file}`]);

const num = (v: unknown): number | null => (typeof v === 'number' && v >= 0 ? v : null);

/**
 * Unicast frames the netdev has received: rx packets less multicast (which
 * counts broadcast too). pktgen's frames are unicast; what else arrives
 * (router advertisements, ARP broadcasts) does not hide a loss.
 */
export async function unicastRxFrames(
  runner: CommandRunner,
  netns: string,
  ifname: string,
): Promise<number> {
  const out = await runIp(runner, ['-n', netns, '-j', '-s', 'link', 'show', 'dev', ifname]);
  const link: unknown = (JSON.parse(out) as unknown[])[0];
  const rx =
    typeof link === 'object' && link !== null && 'stats64' in link
      ? (link.stats64 as { rx?: { packets?: unknown; multicast?: unknown } }).rx
      : undefined;
  const packets = num(rx?.packets);
  const multicast = num(rx?.multicast) ?? 0;
  if (packets === null)
    throw new VfleetError('HOST_READ_FAILED', `ip -s link show ${ifname}: no rx packet count`, {
      field: 'stats64.rx.packets',
    });
  return packets - multicast;
}
