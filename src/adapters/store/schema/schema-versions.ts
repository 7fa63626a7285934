import type { MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { portPosition } from './0002-port-position.js';
import { directPhysical } from './0003-direct-physical.js';
import { instanceVms } from './0004-instance-vms.js';
import { domainPolicy } from './0005-domain-policy.js';
import { idempotency } from './0006-idempotency.js';
import { quotas } from './0007-quotas.js';
import { events } from './0008-events.js';
import { hostNotices } from './0009-host-notices.js';
import { liveSteps } from './0010-live-steps.js';
import { sessions } from './0011-sessions.js';
import { deviceDetails } from './0012-device-details.js';
import { searchIndexes } from './0013-search-indexes.js';
import { vfOwners } from './0014-vf-owners.js';
import { auditLog } from './0015-audit-log.js';
import { schedulerNotices } from './0016-scheduler-notices.js';
import { listIndexes } from './0017-list-indexes.js';
import { reportDigest } from './0018-report-digest.js';
import { vfTallies } from './0019-vf-tallies.js';
import { tokensNotices } from './0020-tokens-notices.js';
import { tokenNotices } from './0021-token-notices.js';
import { hostMaintenance } from './0022-host-maintenance.js';
import { rollouts } from './0023-rollouts.js';
import { vfVdpa } from './0024-vf-vdpa.js';
import { datapathReports } from './0025-datapath-reports.js';

/**
 * The database schema's versions, in order, for PGlite and PostgreSQL (same
 * SQL dialect); kysely calls them migrations, this folder calls them schema
 * versions so they are not taken for live migrations of instances. Plain SQL
 * so the schema reads as what it is; never edit a released version, add the
 * next one. The keys are the names recorded in existing databases
 * (kysely_migration): they must never change.
 */
export const schemaVersions: MigrationProvider = {
  getMigrations: () =>
    Promise.resolve({
      '0001-initial': initial,
      '0002-port-position': portPosition,
      '0003-direct-physical': directPhysical,
      '0004-instance-vms': instanceVms,
      '0005-domain-policy': domainPolicy,
      '0006-idempotency': idempotency,
      '0007-quotas': quotas,
      '0008-events': events,
      '0009-host-notices': hostNotices,
      '0010-live-steps': liveSteps,
      '0011-sessions': sessions,
      '0012-device-details': deviceDetails,
      '0013-search-indexes': searchIndexes,
      '0014-vf-owners': vfOwners,
      '0015-audit-log': auditLog,
      '0016-scheduler-notices': schedulerNotices,
      '0017-list-indexes': listIndexes,
      '0018-report-digest': reportDigest,
      '0019-vf-tallies': vfTallies,
      '0020-tokens-notices': tokensNotices,
      '0021-token-notices': tokenNotices,
      '0022-host-maintenance': hostMaintenance,
      '0023-rollouts': rollouts,
      '0024-vf-vdpa': vfVdpa,
      '0025-datapath-reports': datapathReports,
    }),
};
