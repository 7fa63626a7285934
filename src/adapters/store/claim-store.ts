import type { Kysely } from 'kysely';
import { pageOf } from '../../core/fleet/page.js';
import type { ClaimStore } from '../../core/fleet/claim-store.js';
import type { Database } from './db-types.js';
import { hostsSeenSince, loadCandidates, loadViewHosts } from './candidates.js';
import { claimInstance } from './instance-claims.js';
import type { EventTap } from './event-store.js';
import { afterKey, keyText } from './keyset.js';
import { AGE, BY_AGE } from './list-pages.js';
import { instanceView, withPorts } from './instance-views.js';
import { findIdempotencyKey, purgeHistory } from './purge.js';
import { releaseInstance } from './instance-release.js';

export function createClaimStore(db: Kysely<Database>, tap: EventTap): ClaimStore {
  return {
    candidates: (physnets, staleBefore, hostIds) =>
      loadCandidates(db, physnets, staleBefore, hostIds),
    viewHosts: (ids) => loadViewHosts(db, ids),
    seenSince: (since) => hostsSeenSince(db, since),
    claim: (c) => claimInstance(db, tap, c),
    release: (id, record) =>
      releaseInstance(db, id, 'release', undefined, record && { ...record, tap }),
    async expire(now) {
      const due = await db
        .selectFrom('instances')
        .select('id')
        .where('state', '=', 'reserved')
        .where('reserved_until', '<', new Date(now))
        .execute();
      const out: string[] = [];
      for (const d of due) if (await releaseInstance(db, d.id, 'expire', now)) out.push(d.id);
      return out;
    },
    idempotencyKey: (scope, key, now) => findIdempotencyKey(db, scope, key, now),
    purge: (now, expiredBefore) => purgeHistory(db, now, expiredBefore),
    async pageInstances(f, page) {
      let q = db
        .selectFrom('instances')
        .selectAll()
        .select(keyText(AGE).as('age_key'))
        .orderBy('created_at')
        .orderBy('id')
        .limit(page.limit + 1);
      if (f.tenant !== null) q = q.where('tenant', '=', f.tenant);
      if (f.host !== undefined) q = q.where('host_id', '=', f.host);
      if (f.owner !== undefined) q = q.where('tenant', '=', f.owner);
      if (f.name !== undefined) q = q.where('name', '=', f.name);
      if (f.state !== undefined) q = q.where('state', '=', f.state);
      if (page.after !== null) q = q.where(afterKey(BY_AGE, page.after));
      const rows = pageOf(
        await q.execute(),
        page.limit,
        (r) => [r.age_key, r.id],
        (r) => r,
      );
      return { items: await withPorts(db, rows.items), next: rows.next };
    },
    getInstance: (id) => instanceView(db, id),
  };
}
