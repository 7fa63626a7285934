import { z } from 'zod';

/**
 * The Placement kit's JSON (load.py --out, bench.py --out) read into the few
 * figures the side-by-side compares. Only the fields used are declared (zod
 * drops the rest); a missing or mistyped one fails loudly with its path, so a
 * changed kit cannot silently turn into zeros.
 */

/** load.summarize_ms: null percentiles when nothing was measured. */
const latency = z.object({
  n: z.number().int(),
  p50_ms: z.number().nullable(),
  p95_ms: z.number().nullable(),
  p99_ms: z.number().nullable(),
});

const loadDoc = z.object({
  hosts_requested: z.number().int(),
  hosts_created: z.number().int(),
  n_failures: z.number().int(),
  failures: z.array(z.string()),
  pfs_per_host: z.number().int(),
  vfs_per_pf: z.number().int(),
  providers_created: z.number().int(),
  http_requests: z.number().int(),
  wall_s: z.number(),
});

const phaseA = z.object({
  a_allocation_candidates: z.object({
    std_limit1: latency.extend({ candidates_returned: z.array(z.number()) }),
    std_limit1000: latency.extend({ candidates_returned: z.array(z.number()) }),
  }),
  wall_s: z.number(),
});

const phaseB = z.object({
  b_claims: z.object({
    workers: z.number().int(),
    successful_claims: z.number().int(),
    wall_s: z.number(),
    claims_per_s: z.number().nullable(),
    conflicts_409_total: z.number().int(),
    gave_up_after_retries: z.number().int(),
    other_errors: z.record(z.string(), z.number()),
    get_candidates_latency: latency,
    put_allocations_latency: latency,
    claim_latency_get_plus_put_incl_retries: latency,
    verify: z.object({ ok: z.boolean(), problems: z.array(z.string()) }),
  }),
});

const sweepRow = z.object({
  groups: z.number().int(),
  // An HTTP status, or "client_timeout" when bench.py gave up waiting.
  status: z.union([z.number().int(), z.literal('client_timeout')]),
  // Seconds, or ">120" (a string) after a client timeout.
  seconds: z.union([z.number(), z.string()]),
  candidates_returned: z.number().int().optional(),
});

const phaseC = z.object({
  c_blowup: z.object({
    host: z.string(),
    pfs: z.number().int(),
    vfs_per_pf: z.number().int(),
    scope: z.string(),
    timeout_s: z.number(),
    sweep: z.array(sweepRow),
  }),
});

export interface Latency {
  readonly n: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

const toLatency = (l: z.infer<typeof latency>): Latency => ({
  n: l.n,
  p50Ms: l.p50_ms,
  p99Ms: l.p99_ms,
});

/** Parses with a message naming the kit file and the field that did not fit. */
function parse<T>(schema: z.ZodType<T>, what: string, json: unknown): T {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue === undefined ? '' : `${issue.path.join('.')}: ${issue.message}`;
  throw new Error(`placement kit ${what}: unexpected JSON (${where})`);
}

export interface LoadFigures {
  readonly hosts: number;
  readonly providers: number;
  readonly httpRequests: number;
  readonly seconds: number;
  /** Empty when every host was created. */
  readonly failures: readonly string[];
}

export function loadFigures(json: unknown): LoadFigures {
  const d = parse(loadDoc, 'load.py output', json);
  return {
    hosts: d.hosts_created,
    providers: d.providers_created,
    httpRequests: d.http_requests,
    seconds: d.wall_s,
    failures: d.n_failures > 0 ? d.failures : [],
  };
}

/** Phase (a): GET /allocation_candidates alone, 1 client. */
export interface CandidatesFigures {
  /** limit=1000: what the claim path (and Nova) asks for. */
  readonly limit1000: Latency & { readonly candidatesReturned: readonly number[] };
  readonly limit1: Latency;
}

export function candidatesFigures(json: unknown): CandidatesFigures {
  const a = parse(phaseA, 'bench.py phase a', json).a_allocation_candidates;
  return {
    limit1000: {
      ...toLatency(a.std_limit1000),
      candidatesReturned: a.std_limit1000.candidates_returned,
    },
    limit1: toLatency(a.std_limit1),
  };
}

/** Phase (b): GET candidates + PUT allocations per claim. */
export interface ClaimFigures {
  readonly clients: number;
  readonly claimed: number;
  readonly claimsPerSecond: number;
  readonly wallSeconds: number;
  /** GET + PUT, including re-GETs after a 409. */
  readonly claim: Latency;
  readonly getCandidates: Latency;
  readonly putAllocations: Latency;
  readonly conflicts409: number;
  readonly failed: number;
  /** bench.py's own check against Placement's usages (and SQL). */
  readonly verified: boolean;
  readonly problems: readonly string[];
}

export function claimFigures(json: unknown): ClaimFigures {
  const b = parse(phaseB, 'bench.py phase b', json).b_claims;
  const otherErrors = Object.values(b.other_errors).reduce((s, n) => s + n, 0);
  return {
    clients: b.workers,
    claimed: b.successful_claims,
    claimsPerSecond: b.claims_per_s ?? 0,
    wallSeconds: b.wall_s,
    claim: toLatency(b.claim_latency_get_plus_put_incl_retries),
    getCandidates: toLatency(b.get_candidates_latency),
    putAllocations: toLatency(b.put_allocations_latency),
    conflicts409: b.conflicts_409_total,
    failed: b.gave_up_after_retries + otherErrors,
    verified: b.verify.ok,
    problems: b.verify.problems,
  };
}

/** One k of phase (c): k VFs as k isolated groups on one 8-PF host. */
export interface GroupsFigures {
  readonly groups: number;
  /** Seconds to the answer; null when the client gave up or it failed. */
  readonly seconds: number | null;
  readonly outcome: string;
  readonly candidatesReturned: number | null;
}

export interface BlowupFigures {
  readonly host: string;
  readonly pfs: number;
  readonly scope: string;
  readonly timeoutSeconds: number;
  readonly sweep: readonly GroupsFigures[];
}

export function blowupFigures(json: unknown): BlowupFigures {
  const c = parse(phaseC, 'bench.py phase c', json).c_blowup;
  return {
    host: c.host,
    pfs: c.pfs,
    scope: c.scope,
    timeoutSeconds: c.timeout_s,
    sweep: c.sweep.map((r) => ({
      groups: r.groups,
      seconds: r.status === 200 && typeof r.seconds === 'number' ? r.seconds : null,
      outcome:
        r.status === 'client_timeout'
          ? `no answer within ${c.timeout_s} s (client timeout)`
          : r.status === 200
            ? 'answered'
            : `HTTP ${r.status}`,
      candidatesReturned: r.candidates_returned ?? null,
    })),
  };
}
