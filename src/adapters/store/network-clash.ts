import type { Transaction } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { Database } from './db-types.js';

/**
 * Says which of a network's two unique keys another network holds, before
 * the insert or update meets the unique index (which stays the backstop):
 * the name within its tenant (field `name`), or the VLAN on its physnet
 * (field `vlan`, naming the network that holds it). Another tenant's
 * network is named only to a caller who sees every tenant (`revealOthers`).
 * Callers hold the physnet's row lock, so no VLAN pick can slip between.
 */
export async function refuseNetworkClash(
  tx: Transaction<Database>,
  n: {
    readonly id: string;
    readonly name: string;
    readonly tenant: string;
    readonly physnet: string;
    readonly vlan: number;
  },
  revealOthers: boolean,
): Promise<void> {
  const sameName = await tx
    .selectFrom('networks')
    .select('id')
    .where('tenant', '=', n.tenant)
    .where('name', '=', n.name)
    .where('id', '<>', n.id)
    .executeTakeFirst();
  if (sameName)
    throw new VfleetError('CONFLICT', `network ${n.name} already exists for tenant ${n.tenant}`, {
      field: 'name',
      kind: 'network',
    });
  const holder = await tx
    .selectFrom('networks')
    .select(['name', 'tenant'])
    .where('physnet', '=', n.physnet)
    .where('vlan', '=', n.vlan)
    .where('id', '<>', n.id)
    .executeTakeFirst();
  if (holder) {
    const shown =
      holder.tenant === n.tenant || revealOthers
        ? `network ${holder.name} of tenant ${holder.tenant}`
        : "another tenant's network";
    throw new VfleetError(
      'CONFLICT',
      `VLAN ${n.vlan} on physnet ${n.physnet} is already taken by ${shown}; pick another VLAN or omit it for the lowest free one`,
      {
        field: 'vlan',
        kind: 'network',
        ...(shown === "another tenant's network"
          ? {}
          : { holder: `${holder.tenant}/${holder.name}` }),
      },
    );
  }
}
