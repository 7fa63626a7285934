import { devlinkHandle, pfKey, type AnyPfPlan, type PfPlan } from '../../core/plan/plan-types.js';
import type { CommandRunner, HostFs } from '../../core/ports.js';
import { errorText, type StepLog } from './step-log.js';

const dev = (addr: string) => `/sys/bus/pci/devices/${addr}`;

/** `devlink dev eswitch set <pci/PF | bus/device> mode M`; false when the driver refused. */
export async function setEswitchMode(
  runner: CommandRunner,
  log: StepLog,
  pf: AnyPfPlan,
): Promise<boolean> {
  const change = pf.eswitch;
  if (change === null) return true;
  const step = log.start(
    pfKey(pf),
    null,
    'eswitch',
    `eswitch ${change.from ?? '?'} -> ${change.to}`,
  );
  try {
    const args = ['dev', 'eswitch', 'set', devlinkHandle(pf), 'mode', change.to];
    const r = await runner.run('devlink', args);
    if (r.exitCode === 0) {
      log.finish(step, 'ok');
      return true;
    }
    // Offloaded TC rules (an OVS bridge on the uplink) make drivers refuse the change.
    const why = r.stderr.trim() || `devlink exited with status ${r.exitCode}`;
    log.finish(step, 'failed', `${why} (is the PF still in an OVS bridge, or a VF still bound?)`);
  } catch (e) {
    log.finish(step, 'failed', errorText(e));
  }
  return false;
}

/** `ethtool -K <uplink> hw-tc-offload on|off`. */
export async function setTcOffload(
  runner: CommandRunner,
  log: StepLog,
  pf: AnyPfPlan,
): Promise<void> {
  const change = pf.tcOffload;
  if (change === null) return;
  const word = change.to ? 'on' : 'off';
  const step = log.start(pfKey(pf), null, 'hwTcOffload', `hw-tc-offload -> ${word}`);
  if (pf.ifname === null) {
    log.finish(step, 'failed', 'the PF has no netdev');
    return;
  }
  try {
    const r = await runner.run('ethtool', ['-K', pf.ifname, 'hw-tc-offload', word]);
    if (r.exitCode === 0) log.finish(step, 'ok');
    else log.finish(step, 'failed', r.stderr.trim() || `ethtool exited with status ${r.exitCode}`);
  } catch (e) {
    log.finish(step, 'failed', errorText(e));
  }
}

/**
 * mlx5's order: the PF's VFs exist but no driver holds them while the mode
 * changes; then the kernel probes them again (drivers_probe, which honours
 * each VF's driver_override). `vfs` are the PF's current VF addresses.
 */
export async function changeModeWithVfsUnbound(
  io: { fs: HostFs; runner: CommandRunner },
  log: StepLog,
  pf: PfPlan,
  vfs: readonly string[],
): Promise<boolean> {
  const held: string[] = [];
  for (const vf of vfs) {
    if ((await io.fs.readLink(`${dev(vf)}/driver`)) === null) continue;
    const step = log.start(pf.pciAddress, null, 'unbind', `unbind ${vf} for the mode change`);
    try {
      await io.fs.writeText(`${dev(vf)}/driver/unbind`, vf);
      held.push(vf);
      log.finish(step, 'ok');
    } catch (e) {
      log.finish(step, 'failed', errorText(e));
      return false;
    }
  }
  const ok = await setEswitchMode(io.runner, log, pf);
  // Probed again whatever the outcome: a VF left unbound is a VF lost.
  for (const vf of held) {
    const step = log.start(pf.pciAddress, null, 'reprobe', `probe ${vf} again`);
    try {
      await io.fs.writeText('/sys/bus/pci/drivers_probe', vf);
      log.finish(step, 'ok');
    } catch (e) {
      log.finish(step, 'failed', errorText(e));
    }
  }
  return ok;
}
