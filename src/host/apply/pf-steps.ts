import { devlinkHandle, pfKey, type AnyPfPlan } from '../../core/plan/plan-types.js';
import type { Clock, CommandRunner, HostFs } from '../../core/ports.js';
import { errorText, type StepLog } from './step-log.js';

const dev = (addr: string) => `/sys/bus/pci/devices/${addr}`;

/**
 * The PF's device folder: `pci/0000:3b:00.0` is `/sys/bus/pci/devices/0000:3b:00.0`,
 * `netdevsim/netdevsim1` is `/sys/bus/netdevsim/devices/netdevsim1`, each with its `sriov_numvfs`.
 */
export function deviceDir(pf: AnyPfPlan): string {
  const handle = devlinkHandle(pf);
  const slash = handle.indexOf('/');
  return `/sys/bus/${handle.slice(0, slash)}/devices/${handle.slice(slash + 1)}`;
}

/** `ip link set dev <pf> up`: VFs pass no traffic while their PF is down. */
export async function bringPfUp(runner: CommandRunner, log: StepLog, pf: AnyPfPlan): Promise<void> {
  const step = log.start(pfKey(pf), null, 'link', 'link down -> up');
  if (pf.ifname === null) {
    log.finish(step, 'failed', 'the PF has no netdev');
    return;
  }
  try {
    const r = await runner.run('ip', ['link', 'set', 'dev', pf.ifname, 'up']);
    if (r.exitCode === 0) log.finish(step, 'ok');
    else log.finish(step, 'failed', r.stderr.trim() || `ip exited with status ${r.exitCode}`);
  } catch (e) {
    log.finish(step, 'failed', errorText(e));
  }
}

/**
 * Writes the VF count. The kernel only moves between 0 and N (EBUSY
 * otherwise), so a change of count writes 0 first, which destroys every VF
 * of the PF. `atZero` runs while the PF has no VF (an eswitch mode change
 * for drivers that need that); a false from it stops there. Returns false
 * when the PF did not reach the count.
 */
export async function setNumVfs(
  fs: HostFs,
  log: StepLog,
  pf: AnyPfPlan,
  atZero?: () => Promise<boolean>,
): Promise<boolean> {
  const change = pf.numVfs;
  if (change === null) return true;
  const path = `${deviceDir(pf)}/sriov_numvfs`;
  const writes = change.from > 0 && change.to > 0 ? [0, change.to] : [change.to];
  if (atZero !== undefined && change.from === 0 && !(await atZero())) return false;
  let from = change.from;
  for (const n of writes) {
    const step = log.start(pfKey(pf), null, 'numVfs', `numVfs ${from} -> ${n}`);
    try {
      await fs.writeText(path, String(n));
      log.finish(step, 'ok');
    } catch (e) {
      log.finish(step, 'failed', errorText(e));
      return false;
    }
    if (n === 0 && atZero !== undefined && !(await atZero())) return false;
    from = n;
  }
  return true;
}

export interface VfWait {
  readonly pf: string;
  readonly count: number;
}

/** What is still missing for one PF's new VFs, or null once they are all there. */
async function missing(fs: HostFs, w: VfWait): Promise<string | null> {
  const autoprobe = (await fs.readText(`${dev(w.pf)}/sriov_drivers_autoprobe`))?.trim() !== '0';
  let links = 0;
  let bound = 0;
  for (let i = 0; i < w.count; i++) {
    const target = await fs.readLink(`${dev(w.pf)}/virtfn${i}`);
    if (target === null) continue;
    links++;
    const vf = target.split('/').pop() ?? '';
    if (!autoprobe || (await fs.readLink(`${dev(vf)}/driver`)) !== null) bound++;
  }
  if (links < w.count) return `${links} of ${w.count} VF(s) present`;
  if (bound < w.count) return `${w.count - bound} VF(s) without a driver yet`;
  return null;
}

/**
 * VF creation is asynchronous: the PCI functions, then their drivers, appear
 * after the write returns. Waits, bounded, until each PF has its virtfnN
 * links and (with autoprobe on) a driver on every VF. Returns the PFs whose
 * VFs did not all appear; VFs still unbound at the deadline are only noted,
 * since binding drivers comes next anyway.
 */
export async function waitForVfs(
  io: { fs: HostFs; clock: Clock },
  log: StepLog,
  waits: readonly VfWait[],
  timeoutMs: number,
  pollMs: number,
): Promise<Set<string>> {
  const steps = new Map(
    waits.map((w) => [w.pf, log.start(w.pf, null, 'wait', `wait for ${w.count} VF(s)`)]),
  );
  const deadline = io.clock.now() + timeoutMs;
  const lastWhy = new Map<string, string>();
  let open = [...waits];
  for (;;) {
    const still: VfWait[] = [];
    for (const w of open) {
      const why = await missing(io.fs, w);
      if (why === null) {
        const step = steps.get(w.pf);
        if (step) log.finish(step, 'ok');
      } else {
        lastWhy.set(w.pf, why);
        still.push(w);
      }
    }
    open = still;
    if (open.length === 0 || io.clock.now() >= deadline) break;
    await io.clock.sleep(pollMs);
  }
  const failed = new Set<string>();
  for (const w of open) {
    const step = steps.get(w.pf);
    const why = lastWhy.get(w.pf) ?? '';
    const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
    if (why.includes('without a driver')) {
      if (step) log.finish(step, 'ok', `${why} after ${seconds}`);
    } else {
      failed.add(w.pf);
      if (step) log.finish(step, 'failed', `timed out after ${seconds}: ${why}`);
    }
  }
  return failed;
}
