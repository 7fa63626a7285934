import type { DeviceSpec } from './model.js';
import { parsePfSelector } from './spec-match.js';

type SpecFields = Pick<DeviceSpec, 'wholePf' | 'numVfs' | 'trusted' | 'pf' | 'driver'>;

/**
 * What a spec offering its PFs whole (`wholePf`, for `direct-physical`
 * ports) may not also say, as the field at fault and why; null when it is
 * consistent. Such a PF has no VFs, so the VF fields make no sense; and it
 * cannot be selected by driver: while a guest holds it, libvirt binds it to
 * vfio-pci, and the spec would stop selecting the PF under the guest.
 */
export function wholePfProblem(spec: SpecFields): { field: string; message: string } | null {
  if (!spec.wholePf) return null;
  if (spec.numVfs !== 0) {
    return {
      field: 'numVfs',
      message: `numVfs: must be 0 when wholePf is true (a PF offered whole has no VFs), not ${spec.numVfs}`,
    };
  }
  if (spec.trusted) {
    return {
      field: 'trusted',
      message: 'trusted: tags VFs as trusted; a spec with wholePf offers PFs, which have no VFs',
    };
  }
  if (spec.pf !== null && (parsePfSelector(spec.pf)?.vfRanges.length ?? 0) > 0) {
    return {
      field: 'pf',
      message: `pf: VF ranges do not apply to a whole PF; name the PF alone (${spec.pf.split('#')[0] ?? ''})`,
    };
  }
  if (spec.driver !== null) {
    return {
      field: 'driver',
      message:
        'driver: a spec with wholePf cannot select PFs by driver (a PF handed to a guest is bound to vfio-pci, so the spec would stop selecting it); select by vendor, device, pciAddress or pf',
    };
  }
  return null;
}
