import type { LoadResult } from './claim-load.js';
import type {
  BlowupFigures,
  CandidatesFigures,
  ClaimFigures,
  LoadFigures,
} from './placement-figures.js';
import { round } from './stats.js';

/** Placement's figures at one fleet size, all from the kit's own JSON. */
export interface PlacementSize {
  readonly load: LoadFigures;
  readonly candidates: CandidatesFigures;
  readonly oneClient: ClaimFigures;
  readonly eightClients: ClaimFigures;
  /** Fresh database + load + measurement, wall clock. */
  readonly seconds: number;
}

/** vfleet's figures at the same size: POST /v1/instances (schedule + claim). */
export interface VfleetSize {
  readonly seedSeconds: number;
  readonly oneClient: LoadResult;
  readonly eightClients: LoadResult;
}

/**
 * Placement over vfleet for latencies, vfleet over Placement for throughput:
 * above 1 means vfleet is that many times better. null when either side
 * has no figure (nothing measured, or 0 on the divisor's side).
 */
export interface Ratios {
  readonly claimP50OneClient: number | null;
  readonly claimP99OneClient: number | null;
  readonly claimP50EightClients: number | null;
  readonly claimP99EightClients: number | null;
  readonly claimsPerSecondOneClient: number | null;
  readonly claimsPerSecondEightClients: number | null;
  /** Placement's candidate query alone (limit=1000) against vfleet's whole claim. */
  readonly placementCandidatesP50VsVfleetClaimP50: number | null;
}

export interface SizeResult {
  readonly hosts: number;
  readonly placement: PlacementSize;
  readonly vfleet: VfleetSize;
  readonly ratio: Ratios;
}

/** a / b, rounded; null if either is missing or b is not positive. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b <= 0 || !Number.isFinite(a)) return null;
  return round(a / b, 2);
}

export function sizeRatios(p: PlacementSize, v: VfleetSize): Ratios {
  // A vfleet phase that claimed nothing has no meaningful latency.
  const vl = (r: LoadResult, x: number) => (r.claimed > 0 ? x : null);
  return {
    claimP50OneClient: ratio(p.oneClient.claim.p50Ms, vl(v.oneClient, v.oneClient.p50Ms)),
    claimP99OneClient: ratio(p.oneClient.claim.p99Ms, vl(v.oneClient, v.oneClient.p99Ms)),
    claimP50EightClients: ratio(
      p.eightClients.claim.p50Ms,
      vl(v.eightClients, v.eightClients.p50Ms),
    ),
    claimP99EightClients: ratio(
      p.eightClients.claim.p99Ms,
      vl(v.eightClients, v.eightClients.p99Ms),
    ),
    claimsPerSecondOneClient: ratio(v.oneClient.claimsPerSecond, p.oneClient.claimsPerSecond),
    claimsPerSecondEightClients: ratio(
      v.eightClients.claimsPerSecond,
      p.eightClients.claimsPerSecond,
    ),
    placementCandidatesP50VsVfleetClaimP50: ratio(
      p.candidates.limit1000.p50Ms,
      vl(v.oneClient, v.oneClient.p50Ms),
    ),
  };
}

export function sizeResult(hosts: number, p: PlacementSize, v: VfleetSize): SizeResult {
  return { hosts, placement: p, vfleet: v, ratio: sizeRatios(p, v) };
}

/** The 8-VFs-on-8-PFs request on both sides, and how they compare. */
export interface EightPfResult {
  readonly hosts: number;
  readonly placement: BlowupFigures;
  readonly vfleet: LoadResult;
  /**
   * Placement's seconds for k=8 over vfleet's p50. When Placement did not
   * answer within its time limit the limit is used and the ratio is a
   * lower bound (the true ratio is larger).
   */
  readonly ratioP50: number | null;
  readonly ratioIsLowerBound: boolean;
}

export function eightPfResult(
  hosts: number,
  placement: BlowupFigures,
  vfleet: LoadResult,
): EightPfResult {
  const k8 = placement.sweep.find((r) => r.groups === 8);
  const vP50 = vfleet.claimed > 0 ? vfleet.p50Ms : null;
  if (k8?.seconds != null) {
    return {
      hosts,
      placement,
      vfleet,
      ratioP50: ratio(k8.seconds * 1000, vP50),
      ratioIsLowerBound: false,
    };
  }
  // Not answered (timeout) or never tried (the sweep stopped earlier).
  const timedOut = k8?.outcome.includes('timeout') === true;
  return {
    hosts,
    placement,
    vfleet,
    ratioP50: timedOut ? ratio(placement.timeoutSeconds * 1000, vP50) : null,
    ratioIsLowerBound: timedOut,
  };
}

const ms = (x: number | null) => (x === null ? '-' : x.toFixed(1));
const times = (x: number | null) => (x === null ? '-' : `x${x.toFixed(1)}`);

/** A plain-text table for the results file and the terminal: one line per size and figure. */
export function sideBySideTable(sizes: readonly SizeResult[], eightPf?: EightPfResult): string[] {
  const lines = ['hosts | figure | Placement | vfleet | ratio (>1: vfleet better)'];
  for (const s of sizes) {
    const { placement: p, vfleet: v, ratio: r } = s;
    const row = (f: string, a: string, b: string, x: number | null) =>
      lines.push(`${s.hosts} | ${f} | ${a} | ${b} | ${times(x)}`);
    row(
      'candidates p50/p99 ms (Placement GET limit=1000; vfleet: inside the claim)',
      `${ms(p.candidates.limit1000.p50Ms)}/${ms(p.candidates.limit1000.p99Ms)}`,
      '-',
      null,
    );
    row(
      'claim p50/p99 ms, 1 client',
      `${ms(p.oneClient.claim.p50Ms)}/${ms(p.oneClient.claim.p99Ms)}`,
      `${ms(v.oneClient.p50Ms)}/${ms(v.oneClient.p99Ms)}`,
      r.claimP50OneClient,
    );
    row(
      'claim p50/p99 ms, 8 clients',
      `${ms(p.eightClients.claim.p50Ms)}/${ms(p.eightClients.claim.p99Ms)}`,
      `${ms(v.eightClients.p50Ms)}/${ms(v.eightClients.p99Ms)}`,
      r.claimP50EightClients,
    );
    row(
      'claims/s, 1 client',
      String(p.oneClient.claimsPerSecond),
      String(v.oneClient.claimsPerSecond),
      r.claimsPerSecondOneClient,
    );
    row(
      'claims/s, 8 clients',
      String(p.eightClients.claimsPerSecond),
      String(v.eightClients.claimsPerSecond),
      r.claimsPerSecondEightClients,
    );
  }
  if (eightPf !== undefined) {
    const k8 = eightPf.placement.sweep.find((x) => x.groups === 8);
    const placementText =
      k8 === undefined ? 'not reached' : k8.seconds === null ? k8.outcome : `${k8.seconds} s`;
    const bound = eightPf.ratioIsLowerBound ? '>' : '';
    lines.push(
      `${eightPf.hosts} (8 PFs each) | 8 VFs on 8 PFs, p50 | ${placementText} | ${ms(eightPf.vfleet.p50Ms)} ms | ${bound}${times(eightPf.ratioP50)}`,
    );
  }
  return lines;
}
