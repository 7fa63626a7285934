import type { CandidateHost, CandidatePf } from '../core/scheduler/types.js';

/** Scheduler input for pure tests: override what the test is about. */

const pciOf = (id: number) => `0000:${id.toString(16).padStart(2, '0')}:00.0`;

/** A PF at bus `id` with `count` free VFs on `physnet` (vfio-bound unless `netdev`). */
export const vfPf = (
  id: number,
  numaNode: number | null,
  count: number,
  physnet = 'p1',
  trusted = false,
  netdev = false,
): CandidatePf => ({
  id,
  pciAddress: pciOf(id),
  numaNode,
  free: [{ physnet, trusted, netdev, count }],
});

/** A PF at bus `id` offered whole on `physnet` (no VFs). */
export const wholePf = (id: number, numaNode: number | null, physnet = 'p1'): CandidatePf => ({
  id,
  pciAddress: pciOf(id),
  numaNode,
  free: [],
  whole: { physnet },
});

/** A ready, healthy host without labels or a memory limit: NUMA nodes 0 and 1, 8 free CPUs each. */
export const candidateHost = (
  id: string,
  pfs: CandidatePf[],
  over: Partial<CandidateHost> = {},
): CandidateHost => ({
  id,
  labels: {},
  ready: true,
  healthy: true,
  cordoned: false,
  freeMemoryMb: null,
  numaNodes: [
    { node: 0, socket: 0, freeCpus: 8 },
    { node: 1, socket: 1, freeCpus: 8 },
  ],
  pfs,
  ...over,
});
