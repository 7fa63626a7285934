import { describe, expect, it } from 'vitest';
import { candidateHost as host, vfPf, wholePf as whole } from '../../testing/candidate-hosts.js';
import { mayFit, placePorts } from './place-ports.js';
import { schedule } from './schedule.js';
import { afterClaim } from './snapshot.js';
import type { PortNeed, ScheduleRequest } from './types.js';

const pfPort: PortNeed = { physnet: 'p1', trusted: false, wholePf: true };
const vfPort: PortNeed = { physnet: 'p1', trusted: false };
const req = (ports: PortNeed[], over: Partial<ScheduleRequest> = {}): ScheduleRequest => ({
  vcpus: 2,
  memoryMb: 1024,
  numaPolicy: 'required',
  hostLabels: {},
  ports,
  distinctPfs: false,
  ...over,
});

describe('placePorts with whole PFs', () => {
  it('puts each direct-physical port on its own free whole PF of its physnet, VF ports on VFs', () => {
    const pfs = [vfPf(1, 0, 4), whole(2, 0), whole(3, 0, 'p2'), whole(4, 0)];
    const out = placePorts([pfPort, vfPort, pfPort], pfs, false);
    expect(out).toEqual([
      { pfId: 2, physnet: 'p1', vfTrusted: false, wholePf: true },
      { pfId: 1, physnet: 'p1', vfTrusted: false, vfNetdev: false },
      { pfId: 4, physnet: 'p1', vfTrusted: false, wholePf: true },
    ]);
    // Two whole PFs on p1, not three; the one on p2 does not count.
    expect(placePorts([pfPort, pfPort, pfPort], pfs, false)).toBeNull();
    expect(mayFit([pfPort, pfPort, pfPort], pfs, false)).toBe(false);
    expect(mayFit([pfPort, pfPort, vfPort], pfs, true)).toBe(true);
  });

  it('never takes VFs for a whole-PF port, nor a whole PF for a VF port', () => {
    expect(placePorts([pfPort], [vfPf(1, 0, 8)], false)).toBeNull();
    expect(mayFit([pfPort], [vfPf(1, 0, 8)], false)).toBe(false);
    expect(placePorts([vfPort], [whole(1, 0)], false)).toBeNull();
    expect(mayFit([vfPort], [whole(1, 0)], false)).toBe(false);
  });

  it('stays linear: 64 whole-PF ports over 256 PFs in well under a second', () => {
    const many = Array.from({ length: 256 }, (_, i) => whole(i + 1, 0));
    const t0 = performance.now();
    const out = placePorts(
      Array.from({ length: 64 }, () => pfPort),
      many,
      true,
    );
    expect(new Set(out?.map((p) => p.pfId)).size).toBe(64);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('schedule with whole PFs', () => {
  it('applies the NUMA policy to whole PFs as to VFs', () => {
    const busy = host('a', [whole(1, 1)], {
      numaNodes: [
        { node: 0, socket: 0, freeCpus: 8 },
        { node: 1, socket: 0, freeCpus: 1 },
      ],
    });
    expect(schedule([busy], req([pfPort]), 'pack').ok).toBe(false);
    const r = schedule([busy], req([pfPort], { numaPolicy: 'socket' }), 'pack');
    expect(r.ok && r.placements[0]).toMatchObject({ numaNode: 0, ports: [{ pfId: 1 }] });
    const local = schedule([host('b', [whole(1, 1)])], req([pfPort]), 'pack');
    expect(local.ok && local.placements[0]).toMatchObject({ numaNode: 1 });
  });

  it('says whole PFs were missing when none is free', () => {
    const r = schedule([host('a', [vfPf(1, 0, 8)])], req([pfPort, vfPort]), 'pack');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('1 free whole PF(s) on physnet p1');
    expect(r.message).toContain('1 free VF(s) on physnet p1');
    expect(r.message).toContain('short of matching free VFs or whole PFs');
  });

  it('pack counts a free whole PF as one free device', () => {
    const hosts = [host('two', [whole(1, 0), whole(2, 0)]), host('one', [whole(3, 0)])];
    const r = schedule(hosts, req([pfPort]), 'pack');
    expect(r.ok && r.placements.map((p) => p.hostId)).toEqual(['one', 'two']);
  });

  it('a claimed whole PF is no longer offered in the scheduler snapshot', () => {
    const hosts = [host('a', [whole(1, 0), whole(2, 0)])];
    const r = schedule(hosts, req([pfPort]), 'pack');
    if (!r.ok) throw new Error(r.message);
    const placement = r.placements[0];
    if (placement === undefined) throw new Error('no placement');
    const after = afterClaim(hosts, placement, 2, 1024);
    const taken = placement.ports[0]?.pfId;
    expect(after[0]?.pfs.find((p) => p.id === taken)?.whole).toBeUndefined();
    expect(after[0]?.pfs.filter((p) => p.whole !== undefined)).toHaveLength(1);
    expect(schedule(after, req([pfPort, pfPort]), 'pack').ok).toBe(false);
  });
});
