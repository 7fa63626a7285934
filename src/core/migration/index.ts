/** Migration of instances with VF ports (live, or render-only): checks, plan, steps with compensations, executor. */
export type * from './migration-types.js';
export { MIGRATION_STEP_KINDS } from './migration-types.js';
export type { MigrationView, PortPlacement } from './migration-view.js';
export { planMigration } from './plan-migration.js';
export {
  executeMigration,
  type MigrationReport,
  type StepRecord,
  type StepError,
} from './execute-migration.js';
export {
  hypervisorMigrationPorts,
  renderOnlyMigrationPorts,
  type DefinitionDriver,
  type VfClaimPorts,
} from './hypervisor-ports.js';
export {
  checkMigrationTarget,
  MIGRATION_MODES,
  type MigrationMode,
  type VfNeed,
} from './target-check.js';
