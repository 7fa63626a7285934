import { describe, expect, it } from 'vitest';
import { VfleetError } from '../errors.js';
import type { Host } from '../fleet/model.js';
import type { HypervisorFacts } from '../libvirt/hypervisor-facts.js';
import type { CandidateHost } from '../scheduler/types.js';
import { checkLiveMigrationTarget, type TargetCheckInput } from './live-migration-target.js';

const NOW = Date.parse('2026-01-01T12:00:00.000Z');
const virsh = (h: string): HypervisorFacts => ({
  kind: 'virsh',
  migrationUri: `qemu+ssh://${h}/system`,
  reason: null,
});
const renderOnly: HypervisorFacts = {
  kind: 'render-only',
  migrationUri: null,
  reason: 'virsh not found',
};
const host = (over: Partial<Host> = {}): Host => ({
  id: 'lab-b',
  labels: {},
  reportedHealthy: true,
  lastSeen: new Date(NOW - 5_000).toISOString(),
  cordon: null,
  desiredGeneration: 4,
  specGeneration: 3,
  appliedGeneration: 4,
  ready: true,
  numaNodes: [],
  memoryMb: null,
  lastApplyMessage: null,
  findings: [],
  ...over,
});
const free = (count: number, physnet = 'p1', trusted = false): CandidateHost => ({
  id: 'lab-b',
  labels: {},
  ready: true,
  healthy: true,
  cordoned: false,
  freeMemoryMb: null,
  numaNodes: [],
  pfs: [
    {
      id: 1,
      pciAddress: '0000:5e:00.0',
      numaNode: 0,
      free: [{ physnet, trusted, netdev: false, count }],
    },
  ],
});
const input = (over: Partial<TargetCheckInput> = {}): TargetCheckInput => ({
  instance: 'web',
  source: { id: 'lab-a', hypervisor: renderOnly },
  targetId: 'lab-b',
  target: host(),
  targetHypervisor: renderOnly,
  targetFree: free(1),
  needs: [{ physnet: 'p1', trusted: false, count: 1 }],
  nowMs: NOW,
  staleAfterMs: 90_000,
  ...over,
});
const refusal = (over: Partial<TargetCheckInput>): { code: string; message: string } => {
  try {
    checkLiveMigrationTarget(input(over));
  } catch (e) {
    if (e instanceof VfleetError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('the migration target', () => {
  it('is a render-only move between two render-only hosts, live between two libvirt hosts', () => {
    expect(checkLiveMigrationTarget(input())).toBe('render-only');
    expect(
      checkLiveMigrationTarget(
        input({
          source: { id: 'lab-a', hypervisor: virsh('lab-a') },
          targetHypervisor: virsh('lab-b'),
        }),
      ),
    ).toBe('live');
  });

  it.each<[string, Partial<TargetCheckInput>, string, string]>([
    [
      'an unknown host',
      { targetId: 'nowhere', target: null },
      'NOT_FOUND',
      'no host nowhere: `vfleet hosts` lists the hosts',
    ],
    [
      'the source itself',
      { targetId: 'lab-a', target: host({ id: 'lab-a' }) },
      'INVALID_INPUT',
      'host: instance web already runs on lab-a; a migration needs another host',
    ],
    [
      'a host that never reported',
      { target: host({ lastSeen: null, reportedHealthy: null }) },
      'CONFLICT',
      'host lab-b has never reported: its agent has not joined yet',
    ],
    [
      'a stale host',
      { target: host({ lastSeen: new Date(NOW - 125_000).toISOString() }) },
      'CONFLICT',
      'host lab-b is stale: last seen 125 s ago (its agent stopped reporting)',
    ],
    [
      'a host still applying its spec',
      {
        target: host({
          ready: false,
          appliedGeneration: 2,
          lastApplyMessage: 'sriov_numvfs: Device or resource busy',
        }),
      },
      'CONFLICT',
      'host lab-b is not ready: its agent has not applied its device spec yet (generation 2 of 3); last apply: sriov_numvfs: Device or resource busy',
    ],
    [
      'a degraded host',
      { target: host({ reportedHealthy: false }) },
      'CONFLICT',
      'host lab-b is degraded: its doctor reports errors (`vfleet hosts show lab-b`)',
    ],
    [
      'a host whose devices are not known yet',
      { targetHypervisor: null },
      'CONFLICT',
      'host lab-b has not reported its devices yet: wait for its agent',
    ],
    [
      'a render-only target for a libvirt source',
      { source: { id: 'hv-a', hypervisor: virsh('hv-a') } },
      'UNSUPPORTED',
      'host lab-b has no libvirt (render-only: virsh not found) while instance web runs under libvirt on hv-a: a live migration needs libvirt on both hosts',
    ],
    [
      'a libvirt target for a render-only source',
      { targetHypervisor: virsh('lab-b') },
      'UNSUPPORTED',
      'instance web is only rendered on lab-a (a render-only host, no libvirt) and host lab-b has libvirt: a render-only domain moves only to another render-only host; a live migration needs libvirt on both hosts',
    ],
    [
      'a libvirt host without a migration URI',
      {
        source: { id: 'hv-a', hypervisor: virsh('hv-a') },
        targetHypervisor: { kind: 'virsh', migrationUri: null, reason: null },
      },
      'UNSUPPORTED',
      'host lab-b drives libvirt but reported no migration URI; live migration needs one on both hosts',
    ],
    [
      'no free VF of the physnet',
      { targetFree: free(0) },
      'NO_CAPACITY',
      'host lab-b has 0 free VF(s) on physnet p1; instance web needs 1',
    ],
    [
      'free VFs of another physnet only',
      { targetFree: free(3, 'p2') },
      'NO_CAPACITY',
      'host lab-b has 0 free VF(s) on physnet p1; instance web needs 1',
    ],
    [
      'too few trusted VFs',
      { needs: [{ physnet: 'p1', trusted: true, count: 2 }], targetFree: free(1, 'p1', true) },
      'NO_CAPACITY',
      'host lab-b has 1 free trusted VF(s) on physnet p1; instance web needs 2',
    ],
  ])('refuses %s, saying so', (_what, over, code, message) => {
    expect(refusal(over)).toEqual({ code, message });
  });
});
