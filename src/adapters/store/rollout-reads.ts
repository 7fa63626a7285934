import type { Kysely, Selectable } from 'kysely';
import type { DeviceSpec } from '../../core/fleet/model.js';
import { isOneOf } from '../../core/vocabulary.js';
import { HELD_BACK, ROLLOUT_HOST_STATES, ROLLOUT_STATES } from '../../core/fleet/rollout.js';
import type { Rollout, RolloutHost, RolloutHostFacts } from '../../core/fleet/rollout-store.js';
import type { Database, RolloutHostsTable, RolloutsTable } from './db-types.js';
import { iso } from './rows.js';

const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

// Written only by rollout-start.ts, from DeviceSpec values (the jsonb keeps them as they were).
export const toRollout = (r: Selectable<RolloutsTable>): Rollout => ({
  id: r.id,
  spec: r.spec_id,
  specName: r.spec_name,
  state: isOneOf(ROLLOUT_STATES, r.state) ? r.state : 'paused',
  maxUnavailable: r.max_unavailable,
  canary: r.canary,
  evacuate: r.evacuate,
  wave: r.wave,
  message: r.message,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  finishedAt: isoOrNull(r.finished_at),
  before: r.before,
  specBefore: r.spec_before,
  specAfter: r.spec_after,
});

export const toRolloutHost = (r: Selectable<RolloutHostsTable>): RolloutHost => ({
  host: r.host_id,
  position: r.position,
  wave: r.wave,
  state: isOneOf(ROLLOUT_HOST_STATES, r.state) ? r.state : 'failed',
  targetGeneration: r.target_generation,
  errorsBefore: r.errors_before,
  startedAt: isoOrNull(r.started_at),
  finishedAt: isoOrNull(r.finished_at),
  message: r.message,
  instances: r.instances,
});

/**
 * The specs from before its rollout for each of `hosts` a rollout holds
 * back (running or paused); the others are absent.
 */
export async function heldBackSpecs(
  db: Kysely<Database>,
  hosts: readonly string[],
): Promise<ReadonlyMap<string, readonly DeviceSpec[]>> {
  if (hosts.length === 0) return new Map();
  const rows = await db
    .selectFrom('rollout_hosts')
    .innerJoin('rollouts', 'rollouts.id', 'rollout_hosts.rollout_id')
    .select(['rollout_hosts.host_id', 'rollouts.before'])
    .where('rollout_hosts.host_id', 'in', hosts)
    .where('rollout_hosts.state', 'in', HELD_BACK)
    .where('rollouts.state', 'in', ['running', 'paused'])
    .execute();
  return new Map(rows.map((r) => [r.host_id, r.before]));
}

export async function rolloutWithHosts(
  db: Kysely<Database>,
  id: string,
): Promise<{ rollout: Rollout; hosts: RolloutHost[] } | null> {
  const r = await db.selectFrom('rollouts').selectAll().where('id', '=', id).executeTakeFirst();
  if (r === undefined) return null;
  const hosts = await db
    .selectFrom('rollout_hosts')
    .selectAll()
    .where('rollout_id', '=', id)
    .orderBy('position')
    .execute();
  return { rollout: toRollout(r), hosts: hosts.map(toRolloutHost) };
}

const errorCount = (findings: unknown[]): number =>
  findings.filter(
    (f) =>
      typeof f === 'object' && f !== null && (f as { severity?: unknown }).severity === 'error',
  ).length;

export async function rolloutHostFacts(
  db: Kysely<Database>,
  hosts: readonly string[],
): Promise<ReadonlyMap<string, RolloutHostFacts>> {
  if (hosts.length === 0) return new Map();
  const rows = await db
    .selectFrom('hosts')
    .select(['id', 'applied_generation', 'last_apply_message', 'healthy', 'last_seen', 'findings'])
    .where('id', 'in', hosts)
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        appliedGeneration: r.applied_generation,
        lastApplyMessage: r.last_apply_message,
        healthy: r.healthy,
        lastSeen: isoOrNull(r.last_seen),
        errors: errorCount(r.findings),
      },
    ]),
  );
}

export { errorCount };
