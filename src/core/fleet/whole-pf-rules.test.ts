import { describe, expect, it } from 'vitest';
import { deviceSpec } from '../../testing/device-spec.js';
import type { DeviceSpec } from './model.js';
import { vfTags, wholePfPhysnet } from './spec-match.js';
import { wholePfProblem } from './whole-pf-rules.js';

const spec = (over: Partial<DeviceSpec>) => deviceSpec({ numVfs: 0, wholePf: true, ...over });
const pf = { pciAddress: '0000:81:00.0', vendorId: '8086', deviceId: '1572', driver: 'i40e' };

describe('specs offering whole PFs', () => {
  it('refuse VFs, trust, VF ranges and a driver selector, naming the field', () => {
    expect(wholePfProblem(spec({}))).toBeNull();
    expect(wholePfProblem(spec({ pf: '0000:81:00.0' }))).toBeNull();
    expect(wholePfProblem(spec({ numVfs: 4 }))?.field).toBe('numVfs');
    expect(wholePfProblem(spec({ trusted: true }))?.field).toBe('trusted');
    expect(wholePfProblem(spec({ pf: '0000:81:00.0#0-3' }))?.message).toContain(
      'name the PF alone (0000:81:00.0)',
    );
    expect(wholePfProblem(spec({ driver: 'i40e' }))?.field).toBe('driver');
    // The same fields are fine on a spec that offers VFs.
    expect(
      wholePfProblem(spec({ wholePf: false, numVfs: 4, trusted: true, driver: 'i40e' })),
    ).toBeNull();
  });

  it('tag no VF of a PF they govern, and give the PF their physnet', () => {
    const older = spec({ id: 'a', physnet: 'pf-net' });
    const vfSpec = spec({ id: 'b', wholePf: false, numVfs: 4, physnet: 'vf-net' });
    expect(vfTags([older, vfSpec], pf, 0)).toEqual({ physnet: null, trusted: false, owner: null });
    expect(wholePfPhysnet([older, vfSpec], pf)).toBe('pf-net');
    // The VF spec governing instead (oldest first): VFs are tagged, the PF is not offered whole.
    expect(vfTags([vfSpec, older], pf, 0)).toEqual({
      physnet: 'vf-net',
      trusted: false,
      owner: 'vfleet',
    });
    expect(wholePfPhysnet([vfSpec, older], pf)).toBeNull();
  });
});
