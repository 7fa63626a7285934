import { describe, expect, it } from 'vitest';
import { candidateHost as host, vfPf as pf } from '../../testing/candidate-hosts.js';
import { assignPorts } from './assign-ports.js';
import { schedule } from './schedule.js';
import type { CandidatePf, ScheduleRequest } from './types.js';

const req = (over: Partial<ScheduleRequest> = {}): ScheduleRequest => ({
  vcpus: 2,
  memoryMb: 1024,
  numaPolicy: 'required',
  hostLabels: {},
  ports: [{ physnet: 'p1', trusted: false }],
  distinctPfs: false,
  ...over,
});

const hostsOf = (r: ReturnType<typeof schedule>) => (r.ok ? r.placements.map((p) => p.hostId) : []);

describe('schedule filters', () => {
  it('skips hosts that are not ready, unhealthy, unlabelled or full and says why', () => {
    const hosts = [
      host('a', [pf(1, 0, 4)], { ready: false }),
      host('b', [pf(2, 0, 4)], { healthy: false }),
      host('c', [pf(3, 0, 4)], { labels: { rack: 'r2' } }),
      host('d', [pf(4, 0, 0)], { labels: { rack: 'r1' } }),
      host('e', [pf(5, 0, 4)], { labels: { rack: 'r1' }, freeMemoryMb: 512 }),
    ];
    const r = schedule(hosts, req({ hostLabels: { rack: 'r1' } }), 'pack');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejections).toEqual({
      cordoned: 0,
      notReady: 1,
      unhealthy: 1,
      labels: 1,
      memory: 1,
      cpus: 0,
      vfs: 1,
    });
    expect(r.message).toContain('1 free VF(s) on physnet p1');
    expect(r.message).toContain('1 not ready');
  });

  it('requires a trusted VF for a trusted port', () => {
    const hosts = [host('a', [pf(1, 0, 4, 'p1', false)]), host('b', [pf(2, 0, 1, 'p1', true)])];
    const r = schedule(hosts, req({ ports: [{ physnet: 'p1', trusted: true }] }), 'pack');
    expect(hostsOf(r)).toEqual(['b']);
    if (r.ok)
      expect(r.placements[0]?.ports[0]).toEqual({
        pfId: 2,
        physnet: 'p1',
        vfTrusted: true,
        vfNetdev: false,
      });
  });

  it('matches the physnet', () => {
    const r = schedule([host('a', [pf(1, 0, 4, 'p2')])], req(), 'pack');
    expect(r.ok).toBe(false);
  });
});

describe('NUMA policies', () => {
  // VFs only on node 1, whose CPUs are taken; node 0 has CPUs.
  const busy = host('a', [pf(1, 1, 4), pf(2, null, 4)], {
    numaNodes: [
      { node: 0, socket: 0, freeCpus: 8 },
      { node: 1, socket: 0, freeCpus: 1 },
    ],
  });
  const only = (pfs: CandidatePf[]) => host('a', pfs, { numaNodes: busy.numaNodes });

  it('required: the PF on the instance node, never one without NUMA affinity', () => {
    expect(schedule([only([pf(1, 1, 4)])], req(), 'pack').ok).toBe(false);
    expect(schedule([only([pf(2, null, 4)])], req(), 'pack').ok).toBe(false);
    expect(schedule([only([pf(3, 0, 4)])], req(), 'pack').ok).toBe(true);
  });

  it('legacy: a PF without NUMA affinity is allowed', () => {
    const r = schedule([busy], req({ numaPolicy: 'legacy' }), 'pack');
    expect(r.ok && r.placements[0]?.ports[0]?.pfId).toBe(2);
  });

  it('socket: a PF on another node of the same socket', () => {
    const r = schedule([only([pf(1, 1, 4)])], req({ numaPolicy: 'socket' }), 'pack');
    expect(r.ok && r.placements[0]).toMatchObject({ numaNode: 0, ports: [{ pfId: 1 }] });
    const other = host('a', [pf(1, 1, 4)], {
      numaNodes: [
        { node: 0, socket: 0, freeCpus: 8 },
        { node: 1, socket: 1, freeCpus: 1 },
      ],
    });
    expect(schedule([other], req({ numaPolicy: 'socket' }), 'pack').ok).toBe(false);
  });

  it('preferred: local PFs first, any PF when none is local', () => {
    const r = schedule([only([pf(1, 1, 4)])], req({ numaPolicy: 'preferred' }), 'pack');
    expect(r.ok && r.placements[0]?.ports[0]?.pfId).toBe(1);
    const local = host('a', [pf(1, 1, 4), pf(2, 0, 4)]);
    const r2 = schedule([local], req({ numaPolicy: 'preferred', vcpus: 8 }), 'pack');
    expect(r2.ok && r2.placements[0]).toMatchObject({ numaNode: 0, ports: [{ pfId: 2 }] });
  });

  it('preferred: a local fit on a node with fewer free CPUs beats a remote one on the emptiest node', () => {
    // Node 0 has the most free CPUs but no PF; node 1 has room and the PF.
    const h = host('a', [pf(1, 1, 4)], {
      numaNodes: [
        { node: 0, socket: 0, freeCpus: 8 },
        { node: 1, socket: 1, freeCpus: 4 },
      ],
    });
    const r = schedule([h], req({ numaPolicy: 'preferred' }), 'pack');
    expect(r.ok && r.placements[0]).toMatchObject({ numaNode: 1, ports: [{ pfId: 1 }] });
  });

  it('preferred: local placements on any host come before remote ones, which still place', () => {
    // pack weighs `remote` first (fewer free VFs), but only `local` has its PF on a node with room.
    const nodes = [
      { node: 0, socket: 0, freeCpus: 8 },
      { node: 1, socket: 1, freeCpus: 1 },
    ];
    const remote = host('remote', [pf(1, 1, 1)], { numaNodes: nodes });
    const local = host('local', [pf(2, 0, 8)], { numaNodes: nodes });
    const r = schedule([remote, local], req({ numaPolicy: 'preferred' }), 'pack');
    expect(r.ok && r.placements.map((p) => [p.hostId, p.numaNode])).toEqual([
      ['local', 0],
      ['remote', 0],
    ]);
    // Alone, the remote host still places the request, off its PF's node.
    const alone = schedule([remote], req({ numaPolicy: 'preferred' }), 'pack');
    expect(alone.ok && alone.placements[0]).toMatchObject({ numaNode: 0, ports: [{ pfId: 1 }] });
    // With a limit of one, the local host is the one answered.
    const one = schedule([remote, local], req({ numaPolicy: 'preferred' }), 'pack', 1);
    expect(one.ok && one.placements.map((p) => p.hostId)).toEqual(['local']);
  });

  it('a host short of CPUs on every node is rejected for cpus', () => {
    const r = schedule([host('a', [pf(1, 0, 4)])], req({ vcpus: 9 }), 'pack');
    expect(!r.ok && r.rejections.cpus).toBe(1);
  });
});

describe('weighers', () => {
  const hosts = [
    host('few', [pf(1, 0, 1)]),
    host('many', [pf(2, 0, 9)]),
    host('mid', [pf(3, 0, 5)]),
  ];
  it('pack fills the fullest host first, spread the emptiest', () => {
    expect(hostsOf(schedule(hosts, req(), 'pack'))).toEqual(['few', 'mid', 'many']);
    expect(hostsOf(schedule(hosts, req(), 'spread'))).toEqual(['many', 'mid', 'few']);
  });
});

describe('assignPorts', () => {
  const eight = Array.from({ length: 8 }, (_, i) => pf(i + 1, 0, 1));
  const ports = (n: number) => Array.from({ length: n }, () => ({ physnet: 'p1', trusted: false }));

  it('puts 8 ports on 8 distinct PFs with one VF each', () => {
    const out = assignPorts(ports(8), eight, true);
    expect(new Set(out?.map((p) => p.pfId)).size).toBe(8);
    expect(assignPorts(ports(9), eight, true)).toBeNull();
  });

  it('reuses a PF only when distinct PFs are not required', () => {
    const two = [pf(1, 0, 3), pf(2, 0, 3)];
    expect(assignPorts(ports(3), two, true)).toBeNull();
    expect(
      assignPorts(ports(3), two, false)
        ?.map((p) => p.pfId)
        .sort(),
    ).toEqual([1, 1, 2]);
  });

  it('keeps trusted VFs for trusted ports', () => {
    const mixed: CandidatePf = {
      id: 1,
      pciAddress: '0000:01:00.0',
      numaNode: 0,
      free: [
        { physnet: 'p1', trusted: true, netdev: false, count: 1 },
        { physnet: 'p1', trusted: false, netdev: false, count: 1 },
      ],
    };
    const out = assignPorts(
      [
        { physnet: 'p1', trusted: false },
        { physnet: 'p1', trusted: true },
      ],
      [mixed],
      false,
    );
    expect(out).toEqual([
      { pfId: 1, physnet: 'p1', vfTrusted: false, vfNetdev: false },
      { pfId: 1, physnet: 'p1', vfTrusted: true, vfNetdev: false },
    ]);
  });

  it('stays linear: 256 ports over 256 PFs in well under a second', () => {
    const many = Array.from({ length: 256 }, (_, i) => pf(i + 1, 0, 64));
    const t0 = performance.now();
    const out = assignPorts(ports(256), many, true);
    expect(out).toHaveLength(256);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
