import type { auditRecordSchema } from './schemas/audit.js';
import { z } from '@hono/zod-openapi';
import { findingSchema } from './schemas/agent.js';
import { networkSchema, physnetSchema, specSchema } from './schemas/catalog.js';
import { eventSchema } from './schemas/events.js';
import { capacitySchema } from './schemas/capacity.js';
import { datapathReportEntrySchema } from './schemas/datapath.js';
import { specRolloutSchema } from './schemas/spec-rollout.js';
import {
  hostDetailSchema,
  hostSchema,
  vfCountsSchema,
  hostSummarySchema,
  tokenCreatedSchema,
  tokenSchema,
} from './schemas/hosts.js';
import { searchAnswerSchema, searchHitSchema } from './schemas/search.js';
import { instanceSchema, portSchema } from './schemas/instances.js';
import { quotaReportSchema, tenantQuotaSchema } from './schemas/quotas.js';
import { sessionSchema } from './schemas/session.js';
import { rolloutDetailSchema, rolloutSchema } from './schemas/rollouts.js';
import {
  allocationRuleSchema,
  hostCordonSchema,
  hostDrainSchema,
} from './schemas/host-maintenance.js';
import { domainXmlSchema, migrationSchema, vmSchema } from './schemas/vms.js';

/**
 * The answers of /v1 as their response schemas give them, for the code that
 * reads them (the CLI, the dashboard): declared once, by z.infer, never by hand.
 */
export type HostView = z.output<typeof hostSchema>;
export type HostSummaryView = z.output<typeof hostSummarySchema>;
export type CapacityView = z.output<typeof capacitySchema>;
export type DatapathEntryView = z.output<typeof datapathReportEntrySchema>;
export type SpecRolloutView = z.output<typeof specRolloutSchema>;
export type SearchAnswerView = z.output<typeof searchAnswerSchema>;
export type SearchHitView = z.output<typeof searchHitSchema>;
export type VfCountsView = z.output<typeof vfCountsSchema>;
export type SessionView = z.output<typeof sessionSchema>;
export type HostDetailView = z.output<typeof hostDetailSchema>;
export type HostPfView = HostDetailView['pfs'][number];
export type VfView = HostPfView['vfs'][number];
export type WholePfView = NonNullable<HostPfView['whole']>;
/** Who holds a VF or whole PF (the host map); all null while none does. */
export type HolderView = Pick<
  VfView,
  'instance' | 'tenant' | 'network' | 'mac' | 'vlan' | 'configured'
>;
export type SpecView = z.output<typeof specSchema>;
export type PhysnetView = z.output<typeof physnetSchema>;
export type NetworkView = z.output<typeof networkSchema>;
export type PortView = z.output<typeof portSchema>;
export type InstanceView = z.output<typeof instanceSchema>;
export type VmView = z.output<typeof vmSchema>;
export type DomainXmlView = z.output<typeof domainXmlSchema>;
export type MigrationView = z.output<typeof migrationSchema>;
export type TokenView = z.output<typeof tokenSchema>;
export type TokenCreatedView = z.output<typeof tokenCreatedSchema>;
export type TenantQuotaView = z.output<typeof tenantQuotaSchema>;
export type QuotaReportView = z.output<typeof quotaReportSchema>;
export type QuotaLimit = QuotaReportView['instances']['limit'];
export type EventView = z.output<typeof eventSchema>;
export type AuditRecordView = z.output<typeof auditRecordSchema>;
export type FindingView = z.output<typeof findingSchema>;
export type HostCordonView = z.output<typeof hostCordonSchema>;
export type HostDrainView = z.output<typeof hostDrainSchema>;
export type AllocationRuleView = z.output<typeof allocationRuleSchema>;
export type RolloutView = z.output<typeof rolloutSchema>;
export type RolloutDetailView = z.output<typeof rolloutDetailSchema>;

/**
 * A host's findings are documented as free-form (the agent's doctor may be
 * newer than the controller); those in the agent's finding shape are read,
 * others are left out of the table (json/yaml print the answer as sent).
 */
export const findingsOf = (h: HostDetailView): FindingView[] =>
  h.findings.flatMap((f) => {
    const r = findingSchema.safeParse(f);
    return r.success ? [r.data] : [];
  });

const migrationStep = z.looseObject({
  step: z.string().optional(),
  status: z.string().optional(),
  detail: z.string().optional(),
});

/** What readers use of a migration's report (documented as free-form: it grows with each step). */
const migrationReportSchema = z.looseObject({
  mode: z.enum(['live', 'render-only']).optional(),
  progress: z.array(migrationStep).optional(),
  attention: z.array(z.string()).optional(),
  error: z.looseObject({ message: z.string() }).nullable().optional(),
  failedStep: z.string().nullable().optional(),
});
export type MigrationReportView = z.output<typeof migrationReportSchema>;
export type MigrationStepView = z.output<typeof migrationStep>;

/** A migration's report as readers use it; {} when it has none or another shape. */
export function migrationReportOf(m: MigrationView): MigrationReportView {
  const r = migrationReportSchema.safeParse(m.report);
  return r.success ? r.data : {};
}
