import { VfleetError } from '../../core/errors.js';
import type { DeviceSpec } from '../../core/fleet/model.js';
import { governingSpec, specSelectsPf } from '../../core/fleet/spec-match.js';
import type { CatalogStore } from '../../core/fleet/catalog-store.js';
import { wholePfProblem } from '../../core/fleet/whole-pf-rules.js';
import { ownerClash, ownerClashText } from '../../core/fleet/spec-owners.js';

/**
 * What can be checked against the fleet before a new or changed spec is
 * stored: its physnet exists, no PF it selects has fewer VFs than it asks
 * for, and it does not contradict the spec that governs one of those PFs
 * among the others (a changed spec is checked against the rest, not itself),
 * and no VF it selects is selected by a spec of another owner.
 */
export async function checkSpec(catalog: CatalogStore, spec: DeviceSpec): Promise<void> {
  const whole = wholePfProblem(spec);
  if (whole !== null) throw new VfleetError('INVALID_INPUT', whole.message, { field: whole.field });
  if ((await catalog.getPhysnet(spec.physnet)) === null) {
    throw new VfleetError('INVALID_INPUT', `physnet: no physnet ${spec.physnet}; create it first`, {
      field: 'physnet',
    });
  }
  const all = await catalog.listSpecs();
  const specs = all.filter((s) => s.id !== spec.id);
  const pfs = await catalog.allPfs();
  for (const pf of pfs) {
    if (!specSelectsPf(spec, pf)) continue;
    if (spec.numVfs > pf.totalVfs) {
      throw new VfleetError(
        'INVALID_INPUT',
        `numVfs: ${spec.numVfs} is above totalVfs ${pf.totalVfs} of PF ${pf.pciAddress} on host ${pf.hostId}`,
        { field: 'numVfs', host: pf.hostId, pf: pf.pciAddress },
      );
    }
    const gov = governingSpec(specs, pf);
    if (gov !== null && (gov.numVfs !== spec.numVfs || gov.vfDriver !== spec.vfDriver)) {
      throw new VfleetError(
        'CONFLICT',
        `PF ${pf.pciAddress} on host ${pf.hostId} is governed by spec ${gov.name} (numVfs ${gov.numVfs}, vfDriver ${gov.vfDriver}); a second spec on it must agree`,
        { field: 'numVfs', spec: gov.name },
      );
    }
    if (gov !== null && gov.wholePf !== spec.wholePf) {
      throw new VfleetError(
        'CONFLICT',
        `PF ${pf.pciAddress} on host ${pf.hostId} is governed by spec ${gov.name}, which ${gov.wholePf ? 'offers it whole' : 'offers its VFs'}; a PF is offered whole or by VFs, never both`,
        { field: 'wholePf', spec: gov.name },
      );
    }
  }
  // Precedence is by age: a changed spec keeps its place, a new one comes last.
  const after = all.some((s) => s.id === spec.id)
    ? all.map((s) => (s.id === spec.id ? spec : s))
    : [...all, spec];
  const clash = ownerClash(spec, after, pfs);
  if (clash !== null) {
    throw new VfleetError('CONFLICT', ownerClashText(clash), {
      field: 'owner',
      spec: clash.other.name,
      pf: clash.pf,
      ...(clash.host === null ? {} : { host: clash.host }),
      ...(clash.vf === null ? {} : { vf: clash.vf }),
    });
  }
}
