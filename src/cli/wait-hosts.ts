import { VfleetError } from '../core/errors.js';
import { hostRoutes } from '../api/routes/hosts.js';
import { specRoutes } from '../api/routes/specs.js';
import type { ApiClient } from '../api/client.js';
import type { CliDeps } from './cli-deps.js';
import type { HostDetailView, SpecRolloutView, SpecView } from '../api/answers.js';
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

/** Hosts a spec wait names one by one; past them, one line counts the rest. */
const ROLLOUT_LINES = 100;

/** One host of a spec's rollout as hostProgress words it from the host's map. */
export function rolloutLine(h: SpecRolloutView['first'][number]): string {
  const applied = h.appliedGeneration >= h.desiredGeneration;
  const parts = [
    h.declaredVfs > 0 ? `${h.madeVfs}/${h.declaredVfs} VFs` : null,
    h.wholePfs > 0 ? `${h.wholePfs} PF(s) offered whole` : null,
    applied
      ? null
      : `agent applying generation ${h.desiredGeneration} (applied ${h.appliedGeneration})`,
    // A failed apply leaves the generation unapplied and says why.
    !applied && h.lastApplyMessage !== null ? `last apply: ${h.lastApplyMessage}` : null,
  ].filter((x) => x !== null);
  return `${h.host}: ${parts.join(', ')}`;
}

/**
 * `spec create|update --wait`: until every host whose PFs the spec governs
 * has made its VFs. Polls the spec's rollout (one request, counted by the
 * controller over the spec's PFs), not every host's map.
 */
export async function waitForSpec(
  deps: CliDeps,
  api: ApiClient,
  spec: SpecView,
  timeoutS: number,
): Promise<void> {
  const rest = (r: SpecRolloutView, what: string) =>
    r.hosts > r.first.length ? [`... and ${r.hosts - r.first.length} more host(s)${what}`] : [];
  const done = await waitFor(
    deps,
    {
      what: `spec ${spec.name} applied on every host it selects`,
      timeoutS,
      followWith: 'vfleet hosts show HOST',
    },
    async (): Promise<Poll<string[]>> => {
      const r = await api.call(specRoutes.rollout, {
        params: { id: spec.id },
        query: { limit: ROLLOUT_LINES },
      });
      if (r.done === r.hosts)
        return { done: [...r.first.map((h) => `${rolloutLine(h)}: done`), ...rest(r, ': done')] };
      // The hosts not done come first; those done among the listed ones are left out.
      const pending = r.first.filter((h) => !h.done);
      const more = r.hosts - r.done - pending.length;
      return {
        progress: [
          ...pending.map(rolloutLine),
          ...(more > 0 ? [`... and ${more} more host(s) not done`] : []),
          ...(r.hosts > 1 ? [`${r.done}/${r.hosts} host(s) done`] : []),
        ],
      };
    },
  );
  deps.err(
    done.length === 0
      ? `spec ${spec.name} selects no PF of a reporting host yet; an agent applies it when its host reports a matching PF\n`
      : done.map((l) => `${l}\n`).join(''),
  );
}
