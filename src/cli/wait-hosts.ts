import { VfleetError } from '../core/errors.js';
import { hostRoutes } from '../api/routes/hosts.js';
import type { ApiClient } from '../api/client.js';
import type { CliDeps } from './cli-deps.js';
import type { HostDetailView, SpecView } from '../api/answers.js';
import { waitFor, type Poll } from './wait.js';

type Pf = HostDetailView['pfs'][number];

/** The PF has what its spec declares: that many VFs, or none while offered whole. */
const pfMade = (pf: Pf): boolean =>
  pf.declaredVfs == null || (pf.vfs.length === pf.declaredVfs && pf.numVfs === pf.declaredVfs);

/**
 * One host's progress on its declared VFs (only the PFs `specId` governs,
 * when given): `hv-a: 2/4 VFs`, and the generation while the agent has not
 * applied the latest (VF settings, resets).
 */
export function hostProgress(
  h: HostDetailView,
  specId?: string,
): { line: string; done: boolean; pfs: number } {
  const pfs = h.pfs.filter(
    (p) => p.declaredVfs != null && (specId === undefined || p.spec === specId),
  );
  const declared = pfs.reduce((n, p) => n + (p.declaredVfs ?? 0), 0);
  const made = pfs.reduce((n, p) => n + Math.min(p.vfs.length, p.declaredVfs ?? 0), 0);
  const applied = h.appliedGeneration >= h.desiredGeneration;
  const done = pfs.every(pfMade) && applied;
  const whole = pfs.filter((p) => p.declaredVfs === 0).length;
  const parts = [
    pfs.length === 0 ? 'no VFs declared' : null,
    declared > 0 ? `${made}/${declared} VFs` : null,
    whole > 0 ? `${whole} PF(s) offered whole` : null,
    applied
      ? null
      : `agent applying generation ${h.desiredGeneration} (applied ${h.appliedGeneration})`,
  ].filter((x) => x !== null);
  return { line: `${h.id}: ${parts.join(', ')}`, done, pfs: pfs.length };
}

/** `hosts show HOST --wait`: until the host's declared VFs exist and its agent applied them. */
export function waitForHost(
  deps: CliDeps,
  api: ApiClient,
  id: string,
  timeoutS: number,
): Promise<HostDetailView> {
  return waitFor(
    deps,
    { what: `host ${id}'s declared VFs`, timeoutS, followWith: `vfleet hosts show ${id}` },
    async (): Promise<Poll<HostDetailView>> => {
      let h: HostDetailView;
      try {
        h = await api.call(hostRoutes.get, { params: { id } });
      } catch (e) {
        // A host whose agent is still starting (a lab guest booting) is waited for too.
        if (e instanceof VfleetError && e.code === 'NOT_FOUND')
          return { progress: [`${id}: not registered yet (its agent has not reported)`] };
        throw e;
      }
      if (h.health === 'unknown')
        return { progress: [`${id}: registered, waiting for its agent's first report`] };
      const p = hostProgress(h);
      return p.done ? { done: h } : { progress: [p.line] };
    },
  );
}

/** `spec create|update --wait`: until every host whose PFs the spec governs has made its VFs. */
export async function waitForSpec(
  deps: CliDeps,
  api: ApiClient,
  spec: SpecView,
  timeoutS: number,
): Promise<void> {
  const done = await waitFor(
    deps,
    {
      what: `spec ${spec.name} applied on every host it selects`,
      timeoutS,
      followWith: 'vfleet hosts show HOST',
    },
    async (): Promise<Poll<string[]>> => {
      const hosts = await api.list(hostRoutes.list, {});
      const lines: string[] = [];
      let all = true;
      for (const h of hosts) {
        const p = hostProgress(await api.call(hostRoutes.get, { params: { id: h.id } }), spec.id);
        if (p.pfs === 0) continue;
        lines.push(p.line);
        all &&= p.done;
      }
      return all ? { done: lines } : { progress: lines };
    },
  );
  deps.err(
    done.length === 0
      ? `spec ${spec.name} selects no PF of a reporting host yet; an agent applies it when its host reports a matching PF\n`
      : done.map((l) => `${l}: done\n`).join(''),
  );
}
