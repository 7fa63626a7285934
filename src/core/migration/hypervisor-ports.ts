import { toVfleetError, VfleetError } from '../errors.js';
import type { HypervisorDriver } from '../libvirt/hypervisor-driver.js';
import type { LiveMigrationHost, LiveMigrationPorts } from './live-migration-types.js';

/** What a migration asks of each host's hypervisor: device changes and the migration itself. */
export type MigrationDriver = Pick<HypervisorDriver, 'attachDevice' | 'detachDevice' | 'migrate'>;

/** The VF bookkeeping side of a migration: the controller's claims. */
export type VfClaimPorts = Pick<LiveMigrationPorts, 'reserveVf' | 'confirmVf' | 'releaseVf'>;

/**
 * LiveMigrationPorts over one HypervisorDriver per host (virsh with that host's
 * URI) and the controller's VF claims. Migration is live and persistent and
 * removes the source definition, so a domain is defined on one host only;
 * the rollback migrates back the same way.
 */
export function hypervisorMigrationPorts(
  driverFor: (host: LiveMigrationHost) => MigrationDriver,
  claims: VfClaimPorts,
  options: { readonly migrateTimeoutMs?: number } = {},
): LiveMigrationPorts {
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

/** What a render-only move asks of each host: its definition, in or out (no VM runs). */
export interface DefinitionDriver {
  /** Defines the domain from `xml` as the host's agent would (its checks first). */
  defineDomain(domain: string, xml: string): Promise<void>;
  undefineDomain(domain: string): Promise<void>;
}

const noHotPlug = () =>
  Promise.reject(new VfleetError('INTERNAL', 'a render-only move hot-plugs no device: no VM runs'));

/**
 * LiveMigrationPorts between two render-only hosts: nothing runs, so nothing is
 * hot-plugged or migrated live; `migrate` defines the domain (with the
 * target's VFs) on the target, then removes it from the source, and undoes
 * the first half when the second fails, so a rejection has changed nothing.
 */
export function renderOnlyMigrationPorts(
  driverFor: (host: LiveMigrationHost) => DefinitionDriver,
  claims: VfClaimPorts,
): LiveMigrationPorts {
  return {
    reserveVf: (req) => claims.reserveVf(req),
    confirmVf: (hold) => claims.confirmVf(hold),
    releaseVf: (hold) => claims.releaseVf(hold),
    detachDevice: noHotPlug,
    attachDevice: noHotPlug,
    async migrate(c) {
      if (c.domainXml === undefined)
        throw new VfleetError('INTERNAL', `moving ${c.domain}: no domain XML for ${c.to.id}`);
      await driverFor(c.to).defineDomain(c.domain, c.domainXml);
      try {
        await driverFor(c.from).undefineDomain(c.domain);
      } catch (e) {
        const why = toVfleetError(e);
        try {
          await driverFor(c.to).undefineDomain(c.domain);
        } catch (undo) {
          throw new VfleetError(
            why.code,
            `${why.message}; and removing the new definition from ${c.to.id} failed ` +
              `(${toVfleetError(undo).message}): domain ${c.domain} is defined on both hosts`,
          );
        }
        throw why;
      }
    },
  };
}
