/** Migration of instances with VF ports (live, or render-only): checks, plan, the state machine and its effects. */
export type * from './live-migration-types.js';
export { MIGRATION_STEP_KINDS } from './live-migration-types.js';
export type { LiveMigrationView, PortPlacement } from './live-migration-view.js';
export { planLiveMigration } from './live-migration-plan.js';
export {
  advanceLiveMigration,
  beginLiveMigration,
  liveMigrationReport,
  type LiveMigrationState,
} from './live-migration-machine.js';
export type { LiveAnswer, LiveEffect } from './live-migration-effects.js';
export {
  runLiveMigration,
  type LiveEffectAnswerer,
  type LiveStateKeeper,
} from './live-migration-run.js';
export {
  checkLiveMigrationTarget,
  MIGRATION_MODES,
  type MigrationMode,
  type VfNeed,
} from './live-migration-target.js';
