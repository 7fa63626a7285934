import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { Host } from '../../core/fleet/model.js';
import type { NewEvent } from '../../core/fleet/events.js';
import type { HostReport } from '../../core/fleet/host-store.js';
import type { HostRenderFacts } from '../../core/fleet/host-render-facts.js';
import type { Database } from './db-types.js';
import { withEvents, type EventTap } from './event-store.js';
import { writeAudit } from './audit-scope.js';
import { fleetOn } from './audit-entries.js';
import { bumpIfDeclaredStateMoved, loadSpecs } from './spec-tagging.js';
import { shareSpecsLock } from './spec-scope.js';
import { vfAwaitsFullSync, writeInventory } from './inventory-rows.js';
import { writeHostFacts } from './host-facts.js';
import { toHost } from './rows.js';

type Tx = Transaction<Database>;

export async function recordReport(
  db: Kysely<Database>,
  id: string,
  report: HostReport,
  facts: HostRenderFacts,
  now: string,
  tap: EventTap,
): Promise<Host> {
  refuseRepeatedVfIndex(report);
  return withEvents(
    db,
    tap,
    async (tx, record) => {
      const before = await lockHost(tx, id);
      // A registered host that never reported has healthy null: this is its first report.
      if (before.healthy === null) {
        const e = joined(id, report);
        record([e]);
        await writeAudit(tx, [{ ...fleetOn(id), action: 'host.join', after: e.data }], now);
      }
      const digest = reportDigest(report, facts);
      // A heartbeat repeats the last report: recorded again it would rewrite every row as it is.
      if (before.healthy !== null && before.report_digest === digest) {
        const row = await heartbeat(tx, id, report, now);
        if (row !== undefined) return toHost(row);
      }
      // The specs the rows are tagged with stay as read until this commits (spec-scope.ts).
      await shareSpecsLock(tx);
      const specs = await loadSpecs(tx);
      const seenPfs = await writeInventory(tx, id, report, specs, now);
      // PFs gone from the host go with their VFs, unless a port still holds one (or the PF).
      let gone = tx.deleteFrom('pfs').where('host_id', '=', id).where('port_id', 'is', null);
      if (seenPfs.length > 0) gone = gone.where('id', 'not in', seenPfs);
      await gone
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('vfs')
                .select('vfs.id')
                .whereRef('vfs.pf_id', '=', 'pfs.id')
                .where('vfs.port_id', 'is not', null),
            ),
          ),
        )
        .execute();
      await tx
        .updateTable('hosts')
        .set({
          healthy: report.healthy,
          last_seen: now,
          numa_nodes: JSON.stringify(report.numaNodes),
          memory_mb: report.memoryMb,
          findings: JSON.stringify(report.findings),
          report_digest: digest,
        })
        .where('id', '=', id)
        .execute();
      await writeHostFacts(tx, id, facts, now);
      return bumpIfDeclaredStateMoved(tx, id, specs);
    },
    now,
  );
}

/**
 * What a full sync writes from: the report and the render facts. The specs
 * that tag the PFs and VFs are not part of it: every spec change re-tags
 * the hosts it selects in its own transaction (spec-scope.ts), so a
 * heartbeat after one finds its rows tagged already, and 10,000 hosts do
 * not all re-sync.
 */
function reportDigest(report: HostReport, facts: HostRenderFacts): string {
  return createHash('sha256')
    .update(JSON.stringify([report, facts]))
    .digest('base64');
}

function joined(id: string, report: HostReport): NewEvent {
  const vfs = report.pfs.reduce((n, pf) => n + pf.vfs.length, 0);
  return {
    kind: 'host-joined',
    host: id,
    tenant: null,
    subject: id,
    message: `host ${id} joined: ${report.pfs.length} SR-IOV PF(s), ${vfs} VF(s), ${report.healthy ? 'healthy' : 'with errors (see vfleet hosts show)'}`,
    data: { pfs: report.pfs.length, vfs, healthy: report.healthy, memoryMb: report.memoryMb },
  };
}

/**
 * Two VFs of one PF with one index would make the VF upsert touch a row twice,
 * which the database refuses (SQLSTATE 21000, a 500). The field is named as
 * in the agent report, whose PFs and VFs the report keeps in order.
 */
function refuseRepeatedVfIndex(report: HostReport): void {
  // The same holds for a PF listed twice in the PFs' one upsert (inventory-rows.ts).
  const pfs = new Set<string>();
  report.pfs.forEach((pf, p) => {
    if (pfs.has(pf.pciAddress))
      throw new VfleetError('INVALID_INPUT', `PF ${pf.pciAddress} is listed twice`, {
        field: `inventory.pfs[${p}].pciAddress`,
      });
    pfs.add(pf.pciAddress);
  });
  report.pfs.forEach((pf, p) => {
    const seen = new Set<number>();
    pf.vfs.forEach((vf, v) => {
      if (seen.has(vf.index))
        throw new VfleetError(
          'INVALID_INPUT',
          `PF ${pf.pciAddress} lists VF index ${vf.index} twice`,
          { field: `inventory.pfs[${p}].vfs[${v}].index` },
        );
      seen.add(vf.index);
    });
  });
}

/**
 * Moves last_seen, unless a row that only a full sync removes is there: a
 * VF or PF the host stopped reporting while a port held it, let go since.
 * Undefined then, and the report is recorded in full.
 */
async function heartbeat(tx: Tx, id: string, report: HostReport, now: string) {
  const reported = report.pfs.map((pf) => pf.pciAddress);
  return tx
    .updateTable('hosts')
    .set({ last_seen: now })
    .where('id', '=', id)
    .where((eb) => eb.not(vfAwaitsFullSync(eb)))
    .where((eb) => {
      let gone = eb
        .selectFrom('pfs')
        .select('pfs.id')
        .whereRef('pfs.host_id', '=', 'hosts.id')
        .where('pfs.port_id', 'is', null);
      if (reported.length > 0) gone = gone.where('pfs.pci_address', 'not in', reported);
      return eb.not(eb.exists(gone));
    })
    .returningAll()
    .executeTakeFirst();
}

async function lockHost(tx: Tx, id: string) {
  const row = await tx
    .selectFrom('hosts')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new VfleetError('NOT_FOUND', `host ${id} is not registered`, { field: 'host' });
  return row;
}
