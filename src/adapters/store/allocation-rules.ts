import { sql, type Kysely, type Selectable } from 'kysely';
import type { AllocationRule } from '../../core/fleet/allocation.js';
import { objectAudit } from './audit-entries.js';
import { writeAudit } from './audit-scope.js';
import type { AllocationRulesTable, Database } from './db-types.js';
import { iso } from './rows.js';

/** An allocation_rules row as json_agg gives it: timestamps as text. */
export interface AllocationRuleRow {
  readonly name: string;
  readonly host: string | null;
  readonly host_labels: Record<string, string>;
  readonly cpu_ratio: number;
  readonly memory_ratio: number;
  readonly reserved_cpus: number[];
  readonly reserved_memory_mb: number;
  readonly created_at: string;
}

/**
 * Every rule as one column of a query on a host's row (a handful of rows):
 * reads that count a host's capacity or pin its CPUs take them in the same
 * statement instead of one more.
 */
export const allocationRulesColumn = sql<
  AllocationRuleRow[]
>`(select coalesce(json_agg(r), '[]'::json) from allocation_rules r)`;

/** A rule from its row, read by Kysely or inside json_agg (claim-statements.ts). */
export const toRule = (
  r: Selectable<AllocationRulesTable> | AllocationRuleRow,
): AllocationRule => ({
  name: r.name,
  host: r.host,
  hostLabels: r.host_labels,
  cpuRatio: r.cpu_ratio,
  memoryRatio: r.memory_ratio,
  reservedCpus: r.reserved_cpus,
  reservedMemoryMb: r.reserved_memory_mb,
  createdAt: iso(r.created_at),
});

/** Every allocation rule: a handful per fleet, read whole where capacity is counted. */
export async function loadAllocationRules(db: Kysely<Database>): Promise<AllocationRule[]> {
  const rows = await db.selectFrom('allocation_rules').selectAll().orderBy('name').execute();
  return rows.map(toRule);
}

const what = (name: string) => ({ type: 'allocation' as const, id: name, name });

/**
 * Creates or replaces a rule, with its audit record; the table's trigger
 * tells every controller's fleet view to count capacity again (0022).
 */
export async function setAllocationRule(
  db: Kysely<Database>,
  rule: AllocationRule,
): Promise<AllocationRule> {
  return db.transaction().execute(async (tx) => {
    const old = await tx
      .selectFrom('allocation_rules')
      .selectAll()
      .where('name', '=', rule.name)
      .forUpdate()
      .executeTakeFirst();
    const values = {
      host: rule.host,
      host_labels: JSON.stringify(rule.hostLabels),
      cpu_ratio: rule.cpuRatio,
      memory_ratio: rule.memoryRatio,
      reserved_cpus: JSON.stringify(rule.reservedCpus),
      reserved_memory_mb: rule.reservedMemoryMb,
    };
    const row = await tx
      .insertInto('allocation_rules')
      .values({ name: rule.name, ...values, created_at: rule.createdAt })
      .onConflict((oc) => oc.column('name').doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    const now = toRule(row);
    const before = old === undefined ? null : toRule(old);
    await writeAudit(tx, [objectAudit('allocation.set', what(rule.name), before, now, rule.host)]);
    return now;
  });
}

export async function deleteAllocationRule(db: Kysely<Database>, name: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .deleteFrom('allocation_rules')
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) return false;
    const before = toRule(row);
    await writeAudit(tx, [objectAudit('allocation.delete', what(name), before, null, before.host)]);
    return true;
  });
}
