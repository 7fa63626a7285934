import { afterAll, describe, expect, it } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { purgeHistory } from './purge-history.js';

afterAll(stopPgCluster);

const day = 86_400_000;

describe.each(STORE_KINDS)('audit retention on %s', (kind) => {
  it('the sweep drops audit records older than --audit-retention, and only those', async () => {
    const h = await startHarness(kind, { auditRetentionMs: day });
    try {
      const start = h.clock;
      const made = (name: string) =>
        h.call('POST', '/v1/physnets', h.admin, { name, vlanRanges: [{ min: 1, max: 9 }] });
      expect((await made('old')).status).toBe(201);
      h.clock = start + day / 2;
      expect((await made('newer')).status).toBe(201);
      const names = async () =>
        (
          await h.store.db.selectFrom('audit_log').select('object_name').orderBy('id').execute()
        ).map((r) => r.object_name);
      // The harness's admin token (made at the start) and the first physnet are a day old only later.
      h.clock = start + day - 1_000;
      expect((await purgeHistory(h.deps)).audit).toBe(0);
      expect(await names()).toHaveLength(3);
      h.clock = start + day + 1_000;
      expect((await purgeHistory(h.deps)).audit).toBe(2);
      expect(await names()).toEqual(['newer']);
    } finally {
      await h.close();
    }
  });
});
