import { describe, expect, it } from 'vitest';
import type { LoadResult } from './claim-load.js';
import type { BlowupFigures, ClaimFigures } from './placement-figures.js';
import {
  eightPfResult,
  ratio,
  sideBySideTable,
  sizeResult,
  type PlacementSize,
  type VfleetSize,
} from './side-by-side.js';

// Placement figures as placement-figures reads them from the kit's 100-host run.
const claim = (clients: number, p50: number, p99: number, perSecond: number): ClaimFigures => ({
  clients,
  claimed: clients === 1 ? 100 : 200,
  claimsPerSecond: perSecond,
  wallSeconds: 27.17,
  claim: { n: 100, p50Ms: p50, p99Ms: p99 },
  getCandidates: { n: 100, p50Ms: p50 / 2, p99Ms: p99 / 2 },
  putAllocations: { n: 100, p50Ms: p50 / 2, p99Ms: p99 / 2 },
  conflicts409: 0,
  failed: 0,
  verified: true,
  problems: [],
});

const placement: PlacementSize = {
  load: { hosts: 100, providers: 300, httpRequests: 803, seconds: 16.59, failures: [] },
  candidates: {
    limit1000: { n: 200, p50Ms: 66.99, p99Ms: 222.63, candidatesReturned: [100] },
    limit1: { n: 200, p50Ms: 77.32, p99Ms: 218.62 },
  },
  oneClient: claim(1, 228.26, 672.87, 3.7),
  eightClients: claim(8, 748.57, 1478.08, 10.2),
  seconds: 190.4,
};

// claimLoad's result shape.
const load = (clients: number, p50: number, p99: number, perSecond: number): LoadResult => ({
  clients,
  requests: clients === 1 ? 100 : 200,
  claimed: clients === 1 ? 100 : 200,
  failed: {},
  p50Ms: p50,
  p99Ms: p99,
  maxMs: p99 + 5,
  claimsPerSecond: perSecond,
  wallSeconds: 2,
});

const vfleet: VfleetSize = {
  seedSeconds: 0.4,
  oneClient: load(1, 11.41, 45.5, 74),
  eightClients: load(8, 50, 140, 148),
};

describe('ratio', () => {
  it('divides and rounds to 2 digits', () => {
    expect(ratio(228.26, 11.41)).toBe(20.01);
  });
  it('is null when a side has no figure or the divisor is 0', () => {
    expect(ratio(null, 3)).toBeNull();
    expect(ratio(3, null)).toBeNull();
    expect(ratio(3, 0)).toBeNull();
  });
});

describe('sizeResult', () => {
  it('latencies are Placement / vfleet, throughput vfleet / Placement', () => {
    const r = sizeResult(100, placement, vfleet);
    expect(r.hosts).toBe(100);
    expect(r.ratio).toEqual({
      claimP50OneClient: 20.01,
      claimP99OneClient: 14.79,
      claimP50EightClients: 14.97,
      claimP99EightClients: 10.56,
      claimsPerSecondOneClient: 20,
      claimsPerSecondEightClients: 14.51,
      placementCandidatesP50VsVfleetClaimP50: 5.87,
    });
  });

  it('a vfleet phase that claimed nothing gives no latency ratio (its latencies are of errors)', () => {
    const none: VfleetSize = { ...vfleet, oneClient: { ...load(1, 3, 4, 0), claimed: 0 } };
    const r = sizeResult(100, placement, none).ratio;
    expect(r.claimP50OneClient).toBeNull();
    expect(r.claimsPerSecondOneClient).toBe(0);
  });
});

const blowup = (k8: { seconds: number | null; outcome: string }): BlowupFigures => ({
  host: 'blowup00000',
  pfs: 8,
  scope: 'tree',
  timeoutSeconds: 120,
  sweep: [
    { groups: 1, seconds: 0.072, outcome: 'answered', candidatesReturned: 8 },
    { groups: 8, candidatesReturned: null, ...k8 },
  ],
});

describe('eightPfResult', () => {
  const v = load(1, 40, 60, 22);

  it('a Placement timeout gives a lower bound: the time limit over vfleet p50', () => {
    const r = eightPfResult(
      100,
      blowup({ seconds: null, outcome: 'no answer within 120 s (client timeout)' }),
      v,
    );
    expect(r.ratioP50).toBe(3000);
    expect(r.ratioIsLowerBound).toBe(true);
  });

  it('an answer gives an exact ratio', () => {
    const r = eightPfResult(100, blowup({ seconds: 2, outcome: 'answered' }), v);
    expect(r.ratioP50).toBe(50);
    expect(r.ratioIsLowerBound).toBe(false);
  });

  it('an HTTP error or a sweep stopped before k=8 gives no ratio', () => {
    const r = eightPfResult(100, blowup({ seconds: null, outcome: 'HTTP 500' }), v);
    expect(r.ratioP50).toBeNull();
    expect(r.ratioIsLowerBound).toBe(false);
  });
});

describe('sideBySideTable', () => {
  it('one line per figure and size, then the 8-PF request with its bound', () => {
    const lines = sideBySideTable(
      [sizeResult(100, placement, vfleet)],
      eightPfResult(
        100,
        blowup({ seconds: null, outcome: 'no answer within 120 s (client timeout)' }),
        load(1, 40, 60, 22),
      ),
    );
    expect(lines).toEqual([
      'hosts | figure | Placement | vfleet | ratio (>1: vfleet better)',
      '100 | candidates p50/p99 ms (Placement GET limit=1000; vfleet: inside the claim) | 67.0/222.6 | - | -',
      '100 | claim p50/p99 ms, 1 client | 228.3/672.9 | 11.4/45.5 | x20.0',
      '100 | claim p50/p99 ms, 8 clients | 748.6/1478.1 | 50.0/140.0 | x15.0',
      '100 | claims/s, 1 client | 3.7 | 74 | x20.0',
      '100 | claims/s, 8 clients | 10.2 | 148 | x14.5',
      '100 (8 PFs each) | 8 VFs on 8 PFs, p50 | no answer within 120 s (client timeout) | 40.0 ms | >x3000.0',
    ]);
  });
});
