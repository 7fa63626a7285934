import { VfleetError } from '../core/errors.js';
import { hostRoutes } from '../api/routes/hosts.js';
import { instanceRoutes } from '../api/routes/instances.js';
import type { ApiClient } from '../api/client.js';
import type { CliDeps } from './cli-deps.js';
import type { HostDetailView, InstanceView, PortView } from '../api/answers.js';
import { waitFor, type Poll } from './wait.js';

/** Ports whose VF (or whole PF) an agent configures: every one but `normal`. */
const held = (i: InstanceView): PortView[] =>
  i.ports.filter((p) => p.vnicType !== 'normal' && p.pciAddress !== null);

/**
 * `instance create --wait`: until the agent has put each port's settings
 * (MAC, VLAN, trust, rates) on its VF, which makes the instance active.
 * Needs only the instance, so a tenant token can wait too.
 */
export async function waitForConfigured(
  deps: CliDeps,
  api: ApiClient,
  inst: InstanceView,
  timeoutS: number,
): Promise<InstanceView> {
  const n = held(inst).length;
  const where = inst.host ?? '?';
  if (n === 0) return inst;
  const done = await waitFor(
    deps,
    {
      what: `instance ${inst.name}: ${n} VF(s) configured by the agent on ${where}`,
      timeoutS,
      followWith: `vfleet instance show ${inst.name}`,
    },
    async (): Promise<Poll<InstanceView>> => {
      const i = await api.call(instanceRoutes.get, { params: { id: inst.id } });
      if (i.state === 'active') return { done: i };
      if (i.state === 'expired')
        throw new VfleetError(
          'COMMAND_FAILED',
          `instance ${inst.name}: its reservation expired before the agent on ${where} configured its VFs; see vfleet hosts show ${where}`,
        );
      return {
        progress: [`instance ${inst.name}: agent on ${where} configuring ${n} VF(s) (${i.state})`],
      };
    },
  );
  deps.err(`instance ${inst.name}: ${n} VF(s) configured on ${where}\n`);
  return done;
}

/** Still the port's, or released but not yet reset by the agent. */
function pending(h: HostDetailView, port: PortView): boolean {
  for (const pf of h.pfs) {
    if (pf.pciAddress === port.pciAddress && pf.whole !== null)
      return pf.whole.dirty || pf.whole.portId === port.id;
    const vf = pf.vfs.find((v) => v.pciAddress === port.pciAddress);
    if (vf !== undefined) return vf.dirty || vf.portId === port.id;
  }
  // The VF is gone (numVfs lowered): nothing left to reset.
  return false;
}

/**
 * `instance delete --wait`: until the agent has reset each released VF
 * (MAC zeroed, VLAN 0) and released each whole PF. Reads the host, so it
 * needs an admin token; with another, it says it cannot follow.
 */
export async function waitForReset(
  deps: CliDeps,
  api: ApiClient,
  inst: InstanceView,
  timeoutS: number,
): Promise<boolean> {
  const ports = held(inst);
  const host = inst.host;
  if (ports.length === 0 || host === null) return true;
  try {
    await api.call(hostRoutes.get, { params: { id: host } });
  } catch (e) {
    if (e instanceof VfleetError && (e.code === 'FORBIDDEN' || e.code === 'UNAUTHORIZED')) {
      deps.err(
        `instance ${inst.name}: the VF resets on ${host} are not followed: reading a host needs an admin token\n`,
      );
      return false;
    }
    throw e;
  }
  await waitFor(
    deps,
    {
      what: `instance ${inst.name}: ${ports.length} VF(s) reset by the agent on ${host}`,
      timeoutS,
      followWith: `vfleet hosts show ${host}`,
    },
    async (): Promise<Poll<true>> => {
      const h = await api.call(hostRoutes.get, { params: { id: host } });
      const left = ports.filter((p) => pending(h, p)).length;
      if (left === 0) return { done: true };
      return {
        progress: [`${host}: ${ports.length - left}/${ports.length} VF(s) of ${inst.name} reset`],
      };
    },
  );
  return true;
}
