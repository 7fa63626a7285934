import type { z } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import type { Network, Token } from '../../core/fleet/model.js';
import type {
  ClaimCompletion,
  InstanceView,
  NewIdempotencyKey,
  NewPort,
} from '../../core/fleet/claim-store.js';
import type { VmBoot } from '../../core/fleet/vm-domain.js';
import type { HostRenderFacts } from '../../core/fleet/host-render-facts.js';
import { pinHugepages } from '../../core/fleet/vm-hugepages.js';
import type { PortNeed } from '../../core/scheduler/types.js';
import type { ControllerDeps, IdSource } from '../controller-deps.js';
import { createdEvent, instanceEvent } from '../events.js';
import { keyFor, replay } from '../idempotency.js';
import type { instanceCreateSchema } from '../../api/schemas/instances.js';
import {
  bootOnHost,
  bootRefusal,
  checkBootRequest,
  checkRenders,
  vmBootOf,
} from './instance-boot.js';

type CreateInstance = z.infer<typeof instanceCreateSchema>;
type DraftPort = { -readonly [K in keyof NewPort]: NewPort[K] } & { readonly index: number };

/** OpenStack's locally administered prefix, so operators recognise generated MACs. */
export const newMac = (ids: Pick<IdSource, 'bytes'>) =>
  `fa:16:3e:${[...ids.bytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

/** Placements tried per round (the few best, in a varied order). */
const PLACEMENTS_PER_ROUND = 3;

/** How often a boot looks again at its host's images while it waits for a report. */
const MAX_IMAGE_LOOKS = 20;

/**
 * `POST /v1/instances`: schedules an instance and claims its VFs, and boots
 * it when asked, in ONE transaction (the claim's): the boot is checked
 * against the token's policy before anything is read, pinned to the chosen
 * host's reported images before the claim, and rendered on the claimed VFs
 * before the commit, so a refused boot leaves nothing behind and nothing is
 * ever given back. A claim that loses a race (the VFs, CPUs or host changed
 * since the view saw them) tries the next placement, then waits for the
 * view to re-read the hosts it lost on (fleet-view.ts);
 * `claimRounds` bounds the work so a request always ends. Its outcome and
 * how long it took are counted (vfleet_claims_total, docs/metrics.md).
 */
export async function createInstance(
  deps: ControllerDeps,
  who: Token,
  req: CreateInstance,
  idempotencyKey?: string,
): Promise<{ instance: InstanceView; replayed: boolean }> {
  const start = deps.elapsed();
  const seconds = () => (deps.elapsed() - start) / 1000;
  try {
    const r = await placeInstance(deps, who, req, idempotencyKey);
    deps.metrics?.claim(seconds(), { replayed: r.replayed });
    return r;
  } catch (error) {
    deps.metrics?.claim(seconds(), { error });
    throw error;
  }
}

async function placeInstance(
  deps: ControllerDeps,
  who: Token,
  req: CreateInstance,
  idempotencyKey?: string,
): Promise<{ instance: InstanceView; replayed: boolean }> {
  const tenant = who.role === 'admin' ? (req.tenant ?? 'admin') : (who.tenant ?? '');
  if (who.role !== 'admin' && req.tenant !== undefined && req.tenant !== tenant) {
    throw new VfleetError(
      'FORBIDDEN',
      `a tenant token creates instances for its own tenant (${tenant}) only`,
      { field: 'tenant' },
    );
  }
  // A boot the token's domain policy refuses is answered before anything is claimed.
  checkBootRequest(who, req, deps.config.tenantPortSources);
  const key = idempotencyKey === undefined ? undefined : keyFor(deps, who, idempotencyKey, req);
  const earlier = key === undefined ? null : await replay(deps, key);
  if (earlier !== null) return { instance: earlier, replayed: true };
  return scheduleAndClaim(deps, tenant, req, key, who.domainPolicy);
}

async function scheduleAndClaim(
  deps: ControllerDeps,
  tenant: string,
  req: CreateInstance,
  key: NewIdempotencyKey | undefined,
  policy: Token['domainPolicy'],
): Promise<{ instance: InstanceView; replayed: boolean }> {
  const networks = await resolveNetworks(
    deps,
    tenant,
    req.ports.map((p) => p.network),
  );
  const ports = req.ports.map((p, i): DraftPort => {
    // A whole PF (direct-physical) keeps its own MAC and takes no VF settings (schemas/whole-pf-port.ts).
    const whole = p.vnicType === 'direct-physical';
    const network = networks[i];
    if (network === undefined)
      throw new VfleetError('INTERNAL', `no network resolved for ports[${i}]`);
    return {
      index: i,
      id: deps.ids.uuid(),
      network,
      vnicType: p.vnicType,
      mac: whole ? null : (p.mac ?? newMac(deps.ids)),
      macGenerated: !whole && p.mac === undefined,
      trusted: p.trusted,
      // As asked; else on unless the port is trusted (as before the field). A whole PF has none.
      spoofchk: !whole && (p.spoofchk ?? !p.trusted),
      maxTxRate: p.maxTxRate,
      minTxRate: p.minTxRate,
    };
  });
  const vfPorts = ports.filter((p) => p.vnicType !== 'normal');
  const needs: PortNeed[] = vfPorts.map((p) => ({
    physnet: p.network.physnet,
    trusted: p.trusted,
    ...(p.vnicType === 'direct-physical' ? { wholePf: true } : {}),
    ...(p.vnicType === 'macvtap' ? { vfFeature: 'netdev' as const } : {}),
    ...(p.vnicType === 'vdpa' ? { vfFeature: 'vdpa' as const } : {}),
  }));
  const request = {
    vcpus: req.vcpus,
    memoryMb: req.memoryMb,
    numaPolicy: req.numaPolicy,
    hostLabels: req.hostLabels,
    ports: needs,
    distinctPfs: req.distinctPfs,
  };
  const id = deps.ids.uuid();
  const asked = vmBootOf(
    ports.map((p) => p.id),
    req,
    policy,
  );
  // An image not yet reported: the host's next reports are awaited (outside any claim round).
  const imageDeadline = deps.now() + deps.config.imageReportWaitMs;
  let looks = 0;
  // A wait that ran out with no report is the answer: the boot is then refused.
  let waitedOut = false;
  const completion =
    (boot: VmBoot | null, facts: HostRenderFacts | null) =>
    (inst: InstanceView): ClaimCompletion => {
      if (boot === null || facts === null) return { boot: null, events: [createdEvent(inst)] };
      let pinned: VmBoot;
      try {
        // `hugepages: auto` is decided here, on the claimed VFs' node, and kept.
        pinned = pinHugepages(inst, boot, facts);
        checkRenders(inst, pinned, facts);
      } catch (e) {
        throw bootRefusal(e);
      }
      // Created before booted: the log tells it in the order it happened.
      return { boot: pinned, events: [createdEvent(inst), bootedEvent(inst)] };
    };
  const view = deps.fleetView;
  // Concurrent requests start on different ones of the few best placements.
  const random = deps.random;
  // NO_CAPACITY is answered only from a view holding every commit before the request.
  let fresh = false;
  let lastLoss = '';
  for (let round = 0; round < deps.config.claimRounds;) {
    const won = await deps.claimRound(async (): Promise<Round> => {
      const now = deps.now();
      const staleBefore = new Date(now - deps.config.staleAfterMs).toISOString();
      const place = () =>
        view.place(request, deps.config.weigher, staleBefore, PLACEMENTS_PER_ROUND, random);
      let plan = place();
      if (!plan.ok && !fresh) {
        await view.fresh();
        fresh = true;
        plan = place();
      }
      if (!plan.ok)
        throw new VfleetError('NO_CAPACITY', plan.message, { rejections: plan.rejections });
      for (const placement of plan.placements) {
        let boot: VmBoot | null = null;
        let facts: HostRenderFacts | null = null;
        if (asked !== null) {
          const mayWait = !waitedOut && deps.now() < imageDeadline && looks < MAX_IMAGE_LOOKS;
          const hostFacts = await deps.store.vms.facts(placement.hostId);
          let on;
          try {
            on = bootOnHost(asked, placement.hostId, hostFacts, mayWait);
          } catch (e) {
            throw bootRefusal(e);
          }
          if (!on.ok) return { awaitReport: on.awaitReport };
          ({ boot, facts } = on);
        }
        // Placement ports follow vfPorts; normal ports take no VF.
        const ordered = [...vfPorts, ...ports.filter((p) => p.vnicType === 'normal')];
        const r = await deps.store.claims.claim({
          id,
          name: req.name,
          tenant,
          vcpus: req.vcpus,
          memoryMb: req.memoryMb,
          numaPolicy: req.numaPolicy,
          hostLabels: req.hostLabels,
          placement,
          ports: ordered,
          now: new Date(now).toISOString(),
          reservedUntil: new Date(now + deps.config.reservationTtlMs).toISOString(),
          staleBefore,
          ...(key === undefined ? {} : { idempotency: key }),
          quotas: deps.config.quotas,
          complete: completion(boot, facts),
        });
        if (r.ok) {
          view.claimed(placement, req.vcpus, req.memoryMb);
          return { instance: r.instance };
        }
        // A duplicate committed first: answer with its instance (none left: try again).
        if (r.lost === 'idempotency' && key !== undefined)
          return { instance: await replay(deps, key) };
        lastLoss = r.lost;
        if (r.lost !== 'mac') view.recheck(placement.hostId);
        if (r.lost === 'mac') {
          const port = ordered[r.portIndex];
          if (port !== undefined && !port.macGenerated) {
            throw new VfleetError('CONFLICT', `MAC ${port.mac} is already used by another port`, {
              field: `ports[${port.index}].mac`,
            });
          }
          for (const p of ordered) if (p.macGenerated) p.mac = newMac(deps.ids);
        }
      }
      return { instance: null };
    });
    if ('awaitReport' in won) {
      // Not a lost round: the host's next report (or the deadline) ends the wait.
      looks++;
      const left = Math.max(0, imageDeadline - deps.now());
      waitedOut = !(await deps.feed.wait(won.awaitReport, left, deps.stopping?.signal));
      continue;
    }
    round++;
    if (won.instance === null) {
      await view.caughtUp();
      continue;
    }
    // Another id: the instance of a duplicate request that committed first.
    return { instance: won.instance, replayed: won.instance.id !== id };
  }
  throw new VfleetError(
    'NO_CAPACITY',
    `no capacity: lost ${deps.config.claimRounds} rounds of races for the free VFs (last: ${lastLoss}); try again`,
    { lost: lastLoss },
  );
}

/** One claim round: its instance (null: every placement lost), or a host whose report to await. */
type Round = { readonly instance: InstanceView | null } | { readonly awaitReport: string };

const bootedEvent = (inst: InstanceView) =>
  instanceEvent(
    'instance-booted',
    inst,
    `instance ${inst.name}: domain rendered and handed to host ${inst.hostId ?? '-'}'s agent to define and start`,
  );

/**
 * The ports' networks, each distinct reference looked up once and all at
 * once: a request of 8 ports on one network costs one round trip, not 8 in
 * a row. The first port (in request order) whose network is not the
 * tenant's is the one named.
 */
async function resolveNetworks(
  deps: ControllerDeps,
  tenant: string,
  refs: readonly string[],
): Promise<Network[]> {
  const lookup = async (ref: string) =>
    (await deps.store.catalog.networkByName(tenant, ref)) ??
    (await deps.store.catalog.getNetwork(ref));
  const distinct = [...new Set(refs)];
  const found = new Map(
    await Promise.all(distinct.map(async (ref) => [ref, await lookup(ref)] as const)),
  );
  return refs.map((ref, i) => {
    const n = found.get(ref);
    if (n?.tenant !== tenant) {
      throw new VfleetError(
        'INVALID_INPUT',
        `ports[${i}].network: no network "${ref}" for tenant ${tenant}`,
        {
          field: `ports[${i}].network`,
        },
      );
    }
    return n;
  });
}
