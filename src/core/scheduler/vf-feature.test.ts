import { describe, expect, it } from 'vitest';
import { candidateHost as host, vfPf as pf } from '../../testing/candidate-hosts.js';
import { assignPorts } from './assign-ports.js';
import { schedule } from './schedule.js';
import type { CandidatePf, PortNeed, ScheduleRequest } from './types.js';

const req = (ports: PortNeed[]): ScheduleRequest => ({
  vcpus: 1,
  memoryMb: 512,
  numaPolicy: 'preferred',
  hostLabels: {},
  ports,
  distinctPfs: false,
});
const plain: PortNeed = { physnet: 'p1', trusted: false };
const macvtap: PortNeed = { physnet: 'p1', trusted: false, vfFeature: 'netdev' };

// One PF with 8 vfio-bound VFs, one with 2 VFs on a kernel driver.
const vfio = pf(1, 0, 8);
const kernel = pf(2, 0, 2, 'p1', false, true);
// A PF whose VFs are mixed: 1 with a netdev, 1 without (an apply half done, a VF rebound).
const mixed: CandidatePf = {
  id: 3,
  pciAddress: '0000:03:00.0',
  numaNode: 0,
  free: [
    { physnet: 'p1', trusted: false, netdev: true, count: 1 },
    { physnet: 'p1', trusted: false, netdev: false, count: 1 },
  ],
};

describe('what a port needs of its VF', () => {
  it('puts a macvtap port on a VF with a kernel netdev, even where vfio VFs are more plentiful', () => {
    expect(assignPorts([macvtap], [vfio, kernel], false)).toEqual([
      { pfId: 2, physnet: 'p1', vfTrusted: false, vfNetdev: true },
    ]);
  });

  it('leaves the netdev VF of a mixed PF to the macvtap port, whatever the port order', () => {
    expect(assignPorts([plain, macvtap], [mixed], false)).toEqual([
      { pfId: 3, physnet: 'p1', vfTrusted: false, vfNetdev: false },
      { pfId: 3, physnet: 'p1', vfTrusted: false, vfNetdev: true },
    ]);
    expect(assignPorts([macvtap, macvtap], [mixed], false)).toBeNull();
  });

  it('refuses a macvtap port at scheduling time on a host with only vfio VFs, naming the need', () => {
    const r = schedule([host('a', [vfio])], req([macvtap]), 'pack');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejections.vfs).toBe(1);
    expect(r.message).toContain(
      '1 free VF(s) with a kernel netdev (macvtap; not bound to vfio-pci)',
    );
  });

  it('chooses the host whose VFs fit the port, not the one the weigher prefers', () => {
    // pack prefers the fuller host `b`, whose VFs are all vfio-bound.
    const r = schedule(
      [host('a', [pf(1, 0, 8, 'p1', false, true)]), host('b', [pf(1, 0, 2)])],
      req([macvtap]),
      'pack',
    );
    expect(r.ok && r.placements.map((p) => p.hostId)).toEqual(['a']);
  });

  it('fits a vdpa port on no VF until VFs carry vDPA facts', () => {
    const vdpa: PortNeed = { physnet: 'p1', trusted: false, vfFeature: 'vdpa' };
    const r = schedule([host('a', [vfio, kernel])], req([vdpa]), 'pack');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('1 free VF(s) with a vDPA device on physnet p1');
  });
});
