import type { Transaction } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { DeviceSpec } from '../../core/fleet/model.js';
import type { RolloutPolicy } from '../../core/fleet/rollout.js';
import { objectAudit } from './audit-entries.js';
import { writeAudit } from './audit-scope.js';
import type { Database } from './db-types.js';
import { insertEvents } from './event-store.js';
import { holdMovedHosts } from './spec-tagging.js';

type Tx = Transaction<Database>;

/** A rollout asked for with a spec change: its id, when, and how it goes. */
export interface NewRollout extends RolloutPolicy {
  readonly id: string;
  readonly now: string;
}

/**
 * One rollout at a time: a spec change while one runs or is paused would
 * leave the hosts it holds back on specs that no longer exist.
 */
export async function refuseWhileRolling(tx: Tx): Promise<void> {
  const open = await tx
    .selectFrom('rollouts')
    .select(['id', 'spec_name', 'state'])
    .where('state', 'in', ['running', 'paused'])
    .executeTakeFirst();
  if (open === undefined) return;
  throw new VfleetError(
    'CONFLICT',
    `rollout ${open.id} of spec ${open.spec_name} is ${open.state}: let it finish, or \`vfleet rollout abort ${open.id}\`, before changing specs`,
    { rollout: open.id },
  );
}

/**
 * Records the rollout of a spec change, in the change's transaction: every
 * host whose declared state moves is held back (`pending`), its new
 * fingerprint recorded without a new generation; the controllers' rollout
 * passes release them wave by wave. Null, and no rollout, when no host's
 * declared state moves (a change of tags or trust only).
 */
export async function startRollout(
  tx: Tx,
  r: NewRollout,
  c: {
    readonly before: readonly DeviceSpec[];
    readonly after: readonly DeviceSpec[];
    readonly old: DeviceSpec;
    readonly now: DeviceSpec;
    readonly hosts: readonly string[];
  },
): Promise<string | null> {
  const moved = await holdMovedHosts(tx, c.hosts, c.after);
  if (moved.length === 0) return null;
  await tx
    .insertInto('rollouts')
    .values({
      id: r.id,
      spec_id: c.now.id,
      spec_name: c.now.name,
      state: 'running',
      max_unavailable: r.maxUnavailable,
      canary: r.canary,
      evacuate: r.evacuate,
      before: JSON.stringify(c.before),
      spec_before: JSON.stringify(c.old),
      spec_after: JSON.stringify(c.now),
      message: `${moved.length} host(s) to update`,
      created_at: r.now,
      updated_at: r.now,
      finished_at: null,
    })
    .execute();
  await tx
    .insertInto('rollout_hosts')
    .values(
      moved.map((host, position) => ({
        rollout_id: r.id,
        host_id: host,
        position,
        wave: null,
        state: 'pending',
        target_generation: null,
        started_at: null,
        finished_at: null,
        message: null,
        instances: JSON.stringify([]),
      })),
    )
    .execute();
  const what = { type: 'rollout' as const, id: r.id, name: c.now.name };
  const policy = { maxUnavailable: r.maxUnavailable, canary: r.canary, evacuate: r.evacuate };
  await writeAudit(
    tx,
    [objectAudit('rollout.start', what, null, { spec: c.now.id, hosts: moved, ...policy })],
    r.now,
  );
  await insertEvents(
    tx,
    [
      {
        kind: 'rollout',
        host: null,
        tenant: null,
        subject: c.now.name,
        message: `rollout ${r.id} of spec ${c.now.name} started: ${moved.length} host(s), at most ${r.maxUnavailable} at once${r.canary > 0 ? `, ${r.canary} canary first` : ''}`,
        data: { rollout: r.id, state: 'running', hosts: moved.length, ...policy },
      },
    ],
    r.now,
  );
  return r.id;
}
