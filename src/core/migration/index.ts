/** Migration of instances with VF ports (live, or render-only): checks, plan, steps with compensations, executor. */
export type * from './live-migration-types.js';
export { MIGRATION_STEP_KINDS } from './live-migration-types.js';
export type { LiveMigrationView, PortPlacement } from './live-migration-view.js';
export { planLiveMigration } from './live-migration-plan.js';
export {
  executeLiveMigration,
  type LiveMigrationReport,
  type StepRecord,
  type StepError,
} from './live-migration-execute.js';
export {
  hypervisorMigrationPorts,
  renderOnlyMigrationPorts,
  type DefinitionDriver,
  type VfClaimPorts,
} from './hypervisor-ports.js';
export {
  checkLiveMigrationTarget,
  MIGRATION_MODES,
  type MigrationMode,
  type VfNeed,
} from './live-migration-target.js';
