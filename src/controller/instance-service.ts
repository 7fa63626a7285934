import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import { VfleetError } from '../core/errors.js';
import type { Network, Token } from '../core/fleet/model.js';
import type { InstanceView, NewIdempotencyKey, NewPort } from '../core/fleet/store.js';
import { schedule } from '../core/scheduler/schedule.js';
import type { PortNeed } from '../core/scheduler/types.js';
import { uncached } from './candidate-cache.js';
import { createdEvent, recordEvent } from './events.js';
import { keyFor, replay } from './idempotency.js';
import { bootClaimed, checkBootRequest } from './vm-boot.js';
import type { ControllerDeps } from './controller-deps.js';
import type { instanceCreateSchema } from './schemas/instances.js';

type CreateInstance = z.infer<typeof instanceCreateSchema>;
type DraftPort = { -readonly [K in keyof NewPort]: NewPort[K] } & { readonly index: number };

/** OpenStack's locally administered prefix, so operators recognise generated MACs. */
const newMac = () =>
  `fa:16:3e:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

/** Placements tried per schedule before the fleet is read again. */
const PLACEMENTS_PER_ROUND = 3;

/**
 * Schedules an instance and claims its VFs. A claim that loses a race (the
 * VFs, CPUs or host changed since the read) tries the next placement, then
 * re-reads the fleet; `claimRounds` bounds the work so a request always ends.
 */
export async function createInstance(
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
      id: randomUUID(),
      network,
      vnicType: p.vnicType,
      mac: whole ? null : (p.mac ?? newMac()),
      macGenerated: !whole && p.mac === undefined,
      trusted: p.trusted,
      // Spoof checking is forced on unless the port is trusted; a whole PF has none.
      spoofchk: !whole && !p.trusted,
      maxTxRate: p.maxTxRate,
      minTxRate: p.minTxRate,
    };
  });
  const vfPorts = ports.filter((p) => p.vnicType !== 'normal');
  const needs: PortNeed[] = vfPorts.map((p) => ({
    physnet: p.network.physnet,
    trusted: p.trusted,
    ...(p.vnicType === 'direct-physical' ? { wholePf: true } : {}),
  }));
  const request = {
    vcpus: req.vcpus,
    memoryMb: req.memoryMb,
    numaPolicy: req.numaPolicy,
    hostLabels: req.hostLabels,
    ports: needs,
    distinctPfs: req.distinctPfs,
  };
  const id = randomUUID();
  const candidates = deps.candidates ?? uncached(deps.store.claims);
  // Concurrent requests start on different ones of the few best placements.
  const random = deps.random ?? Math.random;
  const since = candidates.clock();
  let lastLoss = '';
  for (let round = 0; round < deps.config.claimRounds; round++) {
    const won = await deps.claimRound(async (): Promise<InstanceView | null> => {
      const now = deps.now();
      const staleBefore = new Date(now - deps.config.staleAfterMs).toISOString();
      const physnets = [...new Set(needs.map((n) => n.physnet))];
      let view = await candidates.get(physnets, staleBefore);
      let plan = schedule(view.hosts, request, deps.config.weigher, PLACEMENTS_PER_ROUND, random);
      // NO_CAPACITY is answered only from a read begun after the request, never from an older snapshot.
      if (!plan.ok && view.readAt < since) {
        view = await candidates.get(physnets, staleBefore, since);
        plan = schedule(view.hosts, request, deps.config.weigher, PLACEMENTS_PER_ROUND, random);
      }
      if (!plan.ok)
        throw new VfleetError('NO_CAPACITY', plan.message, { rejections: plan.rejections });
      for (const placement of plan.placements) {
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
        });
        if (r.ok) {
          candidates.claimed(placement, req.vcpus, req.memoryMb);
          return r.instance;
        }
        // A duplicate committed first: answer with its instance (none left: try again).
        if (r.lost === 'idempotency' && key !== undefined) return replay(deps, key);
        lastLoss = r.lost;
        if (r.lost !== 'mac') candidates.invalidate();
        if (r.lost === 'mac') {
          const port = ordered[r.portIndex];
          if (port !== undefined && !port.macGenerated) {
            throw new VfleetError('CONFLICT', `MAC ${port.mac} is already used by another port`, {
              field: `ports[${port.index}].mac`,
            });
          }
          for (const p of ordered) if (p.macGenerated) p.mac = newMac();
        }
      }
      return null;
    });
    if (won === null) continue;
    // Another id: the instance of a duplicate request that committed first.
    if (won.id !== id) return { instance: won, replayed: true };
    // Created before booted: the log tells it in the order it happened.
    await recordEvent(deps, createdEvent(won));
    return { instance: await bootClaimed(deps, won, req, policy), replayed: false };
  }
  throw new VfleetError(
    'NO_CAPACITY',
    `no capacity: lost ${deps.config.claimRounds} rounds of races for the free VFs (last: ${lastLoss}); try again`,
    { lost: lastLoss },
  );
}

async function resolveNetworks(
  deps: ControllerDeps,
  tenant: string,
  refs: readonly string[],
): Promise<Network[]> {
  const out: Network[] = [];
  for (const [i, ref] of refs.entries()) {
    const n =
      (await deps.store.catalog.networkByName(tenant, ref)) ??
      (await deps.store.catalog.getNetwork(ref));
    if (n?.tenant !== tenant) {
      throw new VfleetError(
        'INVALID_INPUT',
        `ports[${i}].network: no network "${ref}" for tenant ${tenant}`,
        {
          field: `ports[${i}].network`,
        },
      );
    }
    out.push(n);
  }
  return out;
}
