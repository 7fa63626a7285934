import type { z } from '@hono/zod-openapi';
import type { DeviceSpec } from '../../core/fleet/model.js';
import type { specCreateSchema } from '../../api/schemas/catalog.js';
import type { ControllerDeps } from '../controller-deps.js';
import { checkSpec } from './spec-checks.js';

/**
 * `POST /v1/specs`: a device spec, checked against the catalog; hosts whose
 * VF tagging it changes get a new desired generation (the store wakes their
 * agents), in the transaction that stores the spec.
 */
export async function createSpec(
  deps: ControllerDeps,
  b: z.infer<typeof specCreateSchema>,
): Promise<DeviceSpec> {
  const spec = {
    id: deps.ids.uuid(),
    name: b.name,
    vendor: b.vendor ?? null,
    device: b.device ?? null,
    driver: b.driver ?? null,
    pciAddress: b.pciAddress ?? null,
    pf: b.pf ?? null,
    physnet: b.physnet,
    trusted: b.trusted,
    numVfs: b.numVfs ?? 0,
    vfDriver: b.vfDriver,
    wholePf: b.wholePf,
    owner: b.owner,
    bandwidth: b.bandwidth,
    eswitchMode: b.eswitchMode,
    vdpa: b.vdpa,
    createdAt: new Date(deps.now()).toISOString(),
  };
  await checkSpec(deps.store.catalog, spec);
  return deps.store.catalog.createSpec(spec);
}
