import type { EventNote, NewEvent } from '../../core/fleet/events.js';
import type { Network } from '../../core/fleet/model.js';
import type { ControllerDeps } from '../controller-deps.js';

type NetworkChange = 'created' | 'updated' | 'deleted';

/**
 * A network's change as an event of its tenant, recorded in the change's
 * own transaction: what the dashboard's open pages follow.
 */
export function networkNote(deps: ControllerDeps, change: NetworkChange): EventNote<Network> {
  return {
    at: new Date(deps.now()).toISOString(),
    describe: (n): NewEvent => ({
      kind: `network-${change}`,
      host: null,
      tenant: n.tenant,
      subject: n.name,
      message:
        change === 'deleted'
          ? `network ${n.name} (tenant ${n.tenant}) deleted`
          : `network ${n.name} (tenant ${n.tenant}) ${change}: physnet ${n.physnet}, VLAN ${n.vlan}`,
      data: { network: n.id, physnet: n.physnet, vlan: n.vlan },
    }),
  };
}
