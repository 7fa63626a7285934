import { VfleetError } from '../errors.js';
import { renderDeviceXml } from '../libvirt/render-domain.js';
import { standbyIndex } from '../libvirt/render-ports.js';
import { prepareInstance } from '../libvirt/validate-domain-request.js';
import type { DirectPort } from '../libvirt/domain-request.js';
import type {
  MigratingPort,
  LiveMigrationHost,
  LiveMigrationPlan,
  MigrationRequest,
  LiveMigrationStep,
} from './live-migration-types.js';
import type { MigrationMode } from './live-migration-target.js';

/**
 * Why a vnic type is not moved by this state machine. `normal` ports travel
 * with the domain (the bridge or network must exist on the target).
 */
const NOT_MIGRATED: Readonly<Record<string, string>> = {
  'direct-physical':
    'a whole PF is not migrated by vfleet; detach it, migrate, attach a PF on the target by hand',
  macvtap: 'a macvtap port names the VF netdev of the source host; not migrated by vfleet',
  vdpa: 'a vDPA port is not migrated by vfleet',
};

function checkHost(h: LiveMigrationHost | undefined, field: string, mode: MigrationMode): void {
  if (typeof h?.id !== 'string' || h.id === '') {
    throw new VfleetError('INVALID_INPUT', `${field}.id: a host id is needed`, {
      field: `${field}.id`,
    });
  }
  if (mode === 'live' && (typeof h.uri !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\//.test(h.uri))) {
    throw new VfleetError('INVALID_INPUT', `${field}.uri: a libvirt URI is needed`, {
      field: `${field}.uri`,
    });
  }
}

/**
 * The steps, in order: every reservation before anything touches the running
 * guest. Render-only: no guest runs, so nothing is hot-plugged; the `migrate`
 * step moves the definition, which names the target VFs already.
 */
function stepsFor(ports: readonly MigratingPort[], mode: MigrationMode): LiveMigrationStep[] {
  const live = mode === 'live';
  const each = (
    kind: LiveMigrationStep['kind'],
    phase: LiveMigrationStep['phase'] = 'transaction',
  ) => ports.map((p) => ({ id: `${kind}:${p.portId}`, kind, portId: p.portId, phase }));
  const once = (kind: LiveMigrationStep['kind']): LiveMigrationStep => ({
    id: kind,
    kind,
    portId: null,
    phase: 'transaction',
  });
  return [
    ...each('reserve-target-vf'),
    ...(ports.length > 0 ? [once('check-target-vfs')] : []),
    ...(live ? each('detach-source-vf') : []),
    once('migrate'),
    ...(live ? each('attach-target-vf') : []),
    ...each('confirm-target-vf'),
    ...each('release-source-vf', 'cleanup'),
  ];
}

/**
 * Checks a migration request and lays out its steps. Refuses (before
 * anything runs) an instance that does not validate, the same host on both
 * sides, and ports this state machine cannot move (UNSUPPORTED, naming the port).
 */
export function planLiveMigration(req: MigrationRequest): LiveMigrationPlan {
  const mode = req.mode ?? 'live';
  checkHost(req.source, 'source', mode);
  checkHost(req.target, 'target', mode);
  if (req.source.id === req.target.id) {
    throw new VfleetError('INVALID_INPUT', `target: the instance is already on ${req.target.id}`, {
      field: 'target.id',
    });
  }
  const w = req.instance;
  prepareInstance(w);
  w.ports.forEach((p, i) => {
    const why = NOT_MIGRATED[p.vnicType];
    if (why !== undefined) {
      throw new VfleetError('UNSUPPORTED', `ports[${i}] (${p.id}): ${why}`, {
        field: `ports[${i}].vnicType`,
        portId: p.id,
      });
    }
  });
  const standbys = standbyIndex(w.ports);
  const ports = w.ports
    .filter((p): p is DirectPort => p.vnicType === 'direct')
    .map((p): MigratingPort => ({
      portId: p.id,
      mac: p.mac,
      vlan: p.vlan,
      sourceVf: p.vf,
      sourceDeviceXml: renderDeviceXml(w, p.id),
      standbyId: standbys.get(p.id) ?? null,
    }));
  return { request: req, mode, ports, steps: stepsFor(ports, mode) };
}
