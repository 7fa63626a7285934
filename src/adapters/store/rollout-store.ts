import { cordonForUpdate, uncordonAfterUpdate } from './rollout-cordon.js';
import type { Kysely, Transaction } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { DeviceSpec } from '../../core/fleet/model.js';
import { HELD_BACK, type RolloutState } from '../../core/fleet/rollout.js';
import type { Rollout, RolloutStore } from '../../core/fleet/rollout-store.js';
import { takenText } from '../../core/fleet/spec-change.js';
import { objectAudit } from './audit-entries.js';
import { writeAudit } from './audit-scope.js';
import type { Database } from './db-types.js';
import { insertEvents } from './event-store.js';
import { errorCount, rolloutHostFacts, rolloutWithHosts, toRollout } from './rollout-reads.js';
import { retryFailedHosts } from './rollout-retry.js';
import { toSpec } from './rows.js';
import { inSpecScope } from './spec-scope.js';
import { bumpHosts, loadSpecs, retagPfs } from './spec-tagging.js';
import { rolloutGeneration } from './host-generation.js';
import { heldVfsTaken, updateSpecTx, writeSpecRow } from './spec-updates.js';

type Tx = Transaction<Database>;

const what = (r: { id: string; specName: string }) => ({
  type: 'rollout' as const,
  id: r.id,
  name: r.specName,
});

async function rolloutEvent(tx: Tx, r: Rollout, message: string, now: string): Promise<void> {
  await insertEvents(
    tx,
    [
      {
        kind: 'rollout',
        host: null,
        tenant: null,
        subject: r.specName,
        message: `rollout ${r.id} of spec ${r.specName} ${r.state}: ${message}`,
        data: { rollout: r.id, state: r.state, wave: r.wave },
      },
    ],
    now,
  );
}

export function createRolloutStore(db: Kysely<Database>): RolloutStore {
  return {
    updateSpec: (spec, r) => updateSpecTx(db, spec, r),
    async list(limit) {
      const rows = await db
        .selectFrom('rollouts')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRollout);
    },
    get: (id) => rolloutWithHosts(db, id),
    async running() {
      const rows = await db
        .selectFrom('rollouts')
        .selectAll()
        .where('state', '=', 'running')
        .orderBy('created_at')
        .execute();
      return rows.map(toRollout);
    },
    facts: (hosts) => rolloutHostFacts(db, hosts),

    release: (r, host, wave, size, now) =>
      db.transaction().execute(async (tx) => {
        // The host row first, then the rollout's (the order an abort keeps, as a spec change).
        const row = await tx
          .selectFrom('hosts')
          .select(['findings'])
          .where('id', '=', host)
          .forUpdate()
          .executeTakeFirst();
        // Two controllers' passes may run at once: under the rollout's row lock, a host is
        // released only while it is still held back, and only while its wave has room.
        const open = await tx
          .selectFrom('rollouts')
          .select('state')
          .where('id', '=', r.id)
          .forUpdate()
          .executeTakeFirst();
        const mine = await tx
          .selectFrom('rollout_hosts')
          .select('state')
          .where('rollout_id', '=', r.id)
          .where('host_id', '=', host)
          .executeTakeFirst();
        if (
          open?.state !== 'running' ||
          mine === undefined ||
          !HELD_BACK.some((s) => s === mine.state)
        )
          return {
            released: false,
            instances: [],
            why: 'released by another pass',
            waveFull: true,
          };
        const busy = await tx
          .selectFrom('rollout_hosts')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('rollout_id', '=', r.id)
          .where('host_id', '<>', host)
          .where('state', 'in', ['updating', 'evacuating'])
          .executeTakeFirstOrThrow();
        if (Number(busy.n) >= size)
          return { released: false, instances: [], why: 'its wave is full', waveFull: true };
        if (row === undefined) {
          await setHostIn(tx, r.id, host, 'skipped', 'the host is gone', [], now);
          return { released: false, instances: [], why: 'the host is gone' };
        }
        const pfs = await tx.selectFrom('pfs').selectAll().where('host_id', '=', host).execute();
        const taken = (await heldVfsTaken(tx, r.before, await loadSpecs(tx), pfs)).filter(
          (t) => t.kind === 'declared',
        );
        if (taken.length > 0) {
          const instances = [...new Set(taken.map((t) => t.instance ?? `port ${t.port}`))];
          return { released: false, instances, why: takenText(taken) };
        }
        // A VF given back but not reset yet still carries its port's settings: the agent
        // refuses to recreate it. Its next apply resets it; the release waits for that.
        const dirty = await tx
          .selectFrom('vfs')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('host_id', '=', host)
          .where('dirty', '=', true)
          .executeTakeFirstOrThrow();
        if (Number(dirty.n) > 0)
          return {
            released: false,
            instances: [],
            why: `${String(dirty.n)} VF(s) given back and not reset yet`,
          };
        const generation = await rolloutGeneration(tx, host, true);
        if (generation === undefined) throw new VfleetError('NOT_FOUND', `no host ${host}`);
        await tx
          .updateTable('rollout_hosts')
          .set({
            state: 'updating',
            wave,
            target_generation: generation,
            errors_before: errorCount(row.findings),
            started_at: now,
            finished_at: null,
            message: null,
            instances: JSON.stringify([]),
          })
          .where('rollout_id', '=', r.id)
          .where('host_id', '=', host)
          .execute();
        await writeAudit(
          tx,
          [
            objectAudit(
              'rollout.step',
              what(r),
              null,
              { host, wave, state: 'updating', generation },
              host,
            ),
          ],
          now,
        );
        return { released: true, generation };
      }),

    setHost: (rollout, host, p) =>
      db.transaction().execute(async (tx) => {
        await setHostIn(tx, rollout, host, p.state, p.message, p.instances, p.now);
        if (p.state === 'done' || p.state === 'failed') {
          const r = await tx
            .selectFrom('rollouts')
            .select(['id', 'spec_name'])
            .where('id', '=', rollout)
            .executeTakeFirst();
          if (r !== undefined)
            await writeAudit(
              tx,
              [
                objectAudit(
                  'rollout.step',
                  what({ id: r.id, specName: r.spec_name }),
                  null,
                  { host, state: p.state, message: p.message },
                  host,
                ),
              ],
              p.now,
            );
        }
      }),

    setState: (id, p) =>
      db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable('rollouts')
          .set({
            state: p.state,
            message: p.message,
            updated_at: p.now,
            ...(p.wave === undefined ? {} : { wave: p.wave }),
            ...(p.state === 'done' || p.state === 'aborted' ? { finished_at: p.now } : {}),
          })
          .where('id', '=', id)
          .where('state', 'in', [...p.from])
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) return null;
        const r = toRollout(row);
        if (p.state === 'done') await uncordonAfterUpdate(tx, id);
        if (p.audit === 'rollout.resume') {
          // Failed hosts: skipped, or given their apply and the gate again from now.
          if (p.skipFailed !== true) await retryFailedHosts(tx, id, p.now);
          else {
            await tx
              .updateTable('rollout_hosts')
              .set({ state: 'skipped', finished_at: p.now })
              .where('rollout_id', '=', id)
              .where('state', '=', 'failed')
              .execute();
            const skipped = await tx
              .selectFrom('rollout_hosts')
              .select('host_id')
              .where('rollout_id', '=', id)
              .where('state', '=', 'skipped')
              .execute();
            for (const s of skipped) await uncordonAfterUpdate(tx, id, s.host_id);
          }
        }
        if (p.audit !== null)
          await writeAudit(
            tx,
            [objectAudit(p.audit, what(r), null, { state: r.state, message: r.message })],
            p.now,
          );
        // An event when the state moved (a wave's release alone is in the audit log).
        if (!p.from.every((s) => s === p.state)) await rolloutEvent(tx, r, p.message ?? '', p.now);
        return r;
      }),

    abort: (id, now) => abortRollout(db, id, now),
  };
}

async function setHostIn(
  tx: Tx,
  rollout: string,
  host: string,
  state: string,
  message: string | null,
  instances: readonly string[] | undefined,
  now: string,
): Promise<void> {
  const ends = ['done', 'failed', 'skipped'].includes(state);
  if (state === 'evacuating') await cordonForUpdate(tx, rollout, host, now);
  if (state === 'done' || state === 'skipped') await uncordonAfterUpdate(tx, rollout, host);
  await tx
    .updateTable('rollout_hosts')
    .set({
      state,
      message,
      ...(instances === undefined ? {} : { instances: JSON.stringify(instances) }),
      ...(ends ? { finished_at: now } : {}),
    })
    .where('rollout_id', '=', rollout)
    .where('host_id', '=', host)
    .execute();
}

const OPEN: readonly RolloutState[] = ['running', 'paused'];

/**
 * Abort: the spec back as it was, its PFs re-tagged and the hosts whose
 * declared state moves get a new generation (those released go back; those
 * held back apply what they have), all in one transaction under the spec
 * change's locks (spec-scope.ts), with the rollout ended.
 */
async function abortRollout(
  db: Kysely<Database>,
  id: string,
  now: string,
): Promise<Rollout | null> {
  const changed = async (q: Kysely<Database>): Promise<DeviceSpec[] | null> => {
    const r = await q.selectFrom('rollouts').selectAll().where('id', '=', id).executeTakeFirst();
    if (r === undefined) return null;
    const ro = toRollout(r);
    return [ro.specAfter, ro.specBefore];
  };
  return inSpecScope(db, changed, async (tx, { pfs, hosts }) => {
    const row = await tx
      .selectFrom('rollouts')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const r = toRollout(row);
    if (!OPEN.includes(r.state))
      throw new VfleetError(
        'CONFLICT',
        `rollout ${id} is ${r.state}: only a running or paused one aborts`,
      );
    const current = await loadSpecs(tx);
    const restored = current.map((s) => (s.id === r.spec ? r.specBefore : s));
    // Only hosts already released move back; those held back never left the old state.
    const released = new Set(
      (
        await tx
          .selectFrom('rollout_hosts')
          .select('host_id')
          .where('rollout_id', '=', id)
          .where('state', 'not in', HELD_BACK)
          .execute()
      ).map((h) => h.host_id),
    );
    const taken = await heldVfsTaken(
      tx,
      current,
      restored,
      pfs.filter((p) => released.has(p.host_id)),
    );
    if (taken.length > 0)
      throw new VfleetError(
        'CONFLICT',
        `rollout ${id}: putting spec ${r.specName} back would take ${taken.length} VF(s) from the ports holding them: ${takenText(taken)}; delete those instances first`,
        { field: 'rollout', vfs: taken.slice(0, 100) },
      );
    const cur = current.find((s) => s.id === r.spec);
    const back = toSpec(await writeSpecRow(tx, r.specBefore));
    await retagPfs(tx, restored, pfs);
    await bumpHosts(tx, hosts, restored);
    const ended = await tx
      .updateTable('rollouts')
      .set({
        state: 'aborted',
        message: 'aborted: the spec is back as it was',
        updated_at: now,
        finished_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const out = toRollout(ended);
    await uncordonAfterUpdate(tx, id);
    await writeAudit(
      tx,
      [
        objectAudit('rollout.abort', what(out), { state: r.state }, { state: 'aborted' }),
        objectAudit(
          'spec.update',
          { type: 'spec', id: back.id, name: back.name },
          cur ?? null,
          back,
        ),
      ],
      now,
    );
    await rolloutEvent(tx, out, 'the spec is back as it was', now);
    return out;
  });
}
