import { machineBusyTicks, sampleProc } from './proc-usage.js';
import { round } from './stats.js';

/** Linux reports /proc times in USER_HZ, 100 a second on x86 and arm (what `getconf CLK_TCK` says). */
const USER_HZ = 100;

/**
 * The CPU a claim load cost, per claim: the whole machine, this process
 * (the bench client, and the controller or the simulated agents when they
 * run here) and the controller child when there is one. What the machine
 * spent beyond those two is PostgreSQL's, and anything else running. It
 * says where a claim's time went when two cores are shared by all of them.
 */
export async function withCpuSplit<T extends { readonly requests: number }>(
  controllerPid: number | null,
  run: () => Promise<T>,
): Promise<T & { cpuMsPerClaim: Record<string, number | null> }> {
  const ctl = async () => (controllerPid === null ? 0 : (await sampleProc(controllerPid)).cpuTicks);
  const [machine0, ctl0] = await Promise.all([machineBusyTicks(), ctl()]);
  const own0 = process.cpuUsage();
  const result = await run();
  const own = process.cpuUsage(own0);
  const [machine1, ctl1] = await Promise.all([machineBusyTicks(), ctl()]);
  const perClaim = (ms: number) => round(ms / Math.max(1, result.requests), 2);
  const tickMs = 1000 / USER_HZ;
  const machineMs = (machine1 - machine0) * tickMs;
  const ownMs = (own.user + own.system) / 1000;
  const ctlMs = controllerPid === null ? null : (ctl1 - ctl0) * tickMs;
  return {
    ...result,
    cpuMsPerClaim: {
      machine: perClaim(machineMs),
      benchProcess: perClaim(ownMs),
      controllerChild: ctlMs === null ? null : perClaim(ctlMs),
      rest: perClaim(machineMs - ownMs - (ctlMs ?? 0)),
    },
  };
}
