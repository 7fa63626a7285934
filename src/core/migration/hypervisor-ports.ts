import type { HypervisorDriver } from '../libvirt/hypervisor-driver.js';
import type { MigrationHost, MigrationPorts } from './migration-types.js';

/** What a migration asks of each host's hypervisor: device changes and the migration itself. */
export type MigrationDriver = Pick<HypervisorDriver, 'attachDevice' | 'detachDevice' | 'migrate'>;

/** The VF bookkeeping side of a migration: the controller's claims. */
export type VfClaimPorts = Pick<MigrationPorts, 'reserveVf' | 'confirmVf' | 'releaseVf'>;

/**
 * MigrationPorts over one HypervisorDriver per host (virsh with that host's
 * URI) and the controller's VF claims. Migration is live and persistent and
 * removes the source definition, so a domain is defined on one host only;
 * the rollback migrates back the same way.
 */
export function hypervisorMigrationPorts(
  driverFor: (host: MigrationHost) => MigrationDriver,
  claims: VfClaimPorts,
  options: { readonly migrateTimeoutMs?: number } = {},
): MigrationPorts {
  return {
    reserveVf: (req) => claims.reserveVf(req),
    confirmVf: (hold) => claims.confirmVf(hold),
    releaseVf: (hold) => claims.releaseVf(hold),
    detachDevice: (c) => driverFor(c.host).detachDevice(c.domain, c.deviceXml, c.scope),
    attachDevice: (c) => driverFor(c.host).attachDevice(c.domain, c.deviceXml, c.scope),
    migrate: (c) =>
      driverFor(c.from).migrate(c.domain, c.to.uri, {
        live: true,
        persistent: true,
        undefineSource: true,
        ...(options.migrateTimeoutMs === undefined ? {} : { timeoutMs: options.migrateTimeoutMs }),
      }),
  };
}
