import { describe, expect, it } from 'vitest';
import {
  blowupFigures,
  candidatesFigures,
  claimFigures,
  loadFigures,
} from './placement-figures.js';

// Real output of the kit (run_all.sh, SIZES=100, SKIP_EXHAUST=1, on this
// project's 2-core machine), only the query strings and server versions left out.
const load100 = {
  hosts_requested: 100,
  hosts_created: 100,
  failures: [],
  n_failures: 0,
  pfs_per_host: 2,
  vfs_per_pf: 64,
  physnets: 2,
  providers_created: 300,
  workers: 8,
  inventory_mode: 'put',
  chunk: 10,
  wall_s: 16.59,
  hosts_per_s: 6.0,
  http_requests: 803,
  http_req_per_s: 48.4,
  client_retries: 0,
  request_latency: {
    n: 803,
    p50_ms: 125.86,
    p95_ms: 321.12,
    p99_ms: 435.28,
    max_ms: 500.56,
    mean_ms: 143.81,
  },
  microversion: '1.39',
};

const series = (p50: number, p99: number, cands: number) => ({
  n: 200,
  p50_ms: p50,
  p95_ms: p99 - 1,
  p99_ms: p99,
  max_ms: p99 + 20,
  mean_ms: p50 + 5,
  candidates_returned: [cands],
  response_bytes: [1202],
  wall_s: 16.97,
});

const phaseA100 = {
  label: 'size100-a',
  url: 'http://127.0.0.1:8778',
  microversion: '1.39',
  hosts: 100,
  started: '2026-12-03T18:54:11+0000',
  a_allocation_candidates: {
    std_limit1: series(77.32, 218.62, 1),
    std_limit1000: series(66.99, 222.63, 100),
    ss_limit1: series(48.08, 174.65, 1),
    ss_limit1000: series(108.47, 327.0, 100),
    std_limit1_concurrent: {
      n: 592,
      p50_ms: 353.65,
      p95_ms: 829.43,
      p99_ms: 1179.8,
      max_ms: 1298.62,
      mean_ms: 407.21,
      concurrency: 4,
      wall_s: 60.36,
      throughput_rps: 9.8,
    },
  },
  wall_s: 133.56,
};

const lat = (n: number, p50: number, p99: number) => ({
  n,
  p50_ms: p50,
  p95_ms: p99 - 10,
  p99_ms: p99,
  max_ms: p99 + 50,
  mean_ms: p50 + 20,
});

const phaseBSeq100 = {
  label: 'size100-b-seq',
  hosts: 100,
  b_claims: {
    workers: 1,
    claim_limit: 1000,
    pick: 'random',
    project_id: 'ff0bb352-60b7-4fe1-bc9a-14cf6d6585eb',
    claim_max: 100,
    claim_retries: 10,
    wall_s: 27.17,
    successful_claims: 100,
    put_attempts: 100,
    claims_per_s: 3.7,
    conflicts_409: {},
    conflicts_409_total: 0,
    conflict_samples: {},
    client_retries: 0,
    gave_up_after_retries: 0,
    other_errors: {},
    stop_reasons: { claim_max: 1 },
    exhausted: false,
    get_candidates_latency: lat(100, 118.03, 447.88),
    put_allocations_latency: lat(100, 106.93, 288.34),
    claim_latency_get_plus_put_incl_retries: lat(100, 228.26, 672.87),
    verify: {
      ok: true,
      problems: [],
      pfs_touched: 61,
      vf_usage_of_this_run_on_touched_pfs: 100,
      client_successful_claims: 100,
      project_usages_api: { VCPU: 100, MEMORY_MB: 51200, CUSTOM_PCI_8086_10ED: 100 },
      sql_over_capacity_rows: [],
      sql_n_over_capacity: 0,
      sql_vf_allocation_rows: 100,
      sql_vf_used_total: 100,
    },
  },
  wall_s: 27.9,
};

const row = (groups: number, seconds: number, cands: number) => ({
  groups,
  rss_mb_before: 1058.1,
  status: 200,
  seconds,
  candidates_returned: cands,
  response_bytes: 5104,
  rss_mb_after: 1058.1,
});

const phaseC100 = {
  label: 'size100-c',
  hosts: 100,
  c_blowup: {
    host: 'blowup00000',
    pfs: 8,
    vfs_per_pf: 64,
    limit: 1000,
    scope: 'tree',
    timeout_s: 120.0,
    sweep: [
      row(1, 0.072, 8),
      row(4, 1.215, 1000),
      row(6, 72.918, 1000),
      {
        groups: 8,
        rss_mb_before: 1069.3,
        status: 'client_timeout',
        seconds: '>120.0',
        rss_mb_after: 1069.7,
      },
    ],
  },
};

describe('the Placement kit JSON read into figures', () => {
  it('load.py: hosts, providers, requests and time; no failures', () => {
    expect(loadFigures(load100)).toEqual({
      hosts: 100,
      providers: 300,
      httpRequests: 803,
      seconds: 16.59,
      failures: [],
    });
  });

  it('load.py: a load stopped by --max-seconds keeps its failures', () => {
    const stopped = {
      ...load100,
      hosts_created: 40,
      n_failures: 1,
      failures: ['max-seconds exceeded'],
    };
    expect(loadFigures(stopped)).toMatchObject({ hosts: 40, failures: ['max-seconds exceeded'] });
  });

  it('phase a: the std query at limit=1000 (what claims send) and at limit=1', () => {
    expect(candidatesFigures(phaseA100)).toEqual({
      limit1000: { n: 200, p50Ms: 66.99, p99Ms: 222.63, candidatesReturned: [100] },
      limit1: { n: 200, p50Ms: 77.32, p99Ms: 218.62 },
    });
  });

  it('phase b: claims/s, GET+PUT latency and the kit verification', () => {
    expect(claimFigures(phaseBSeq100)).toEqual({
      clients: 1,
      claimed: 100,
      claimsPerSecond: 3.7,
      wallSeconds: 27.17,
      claim: { n: 100, p50Ms: 228.26, p99Ms: 672.87 },
      getCandidates: { n: 100, p50Ms: 118.03, p99Ms: 447.88 },
      putAllocations: { n: 100, p50Ms: 106.93, p99Ms: 288.34 },
      conflicts409: 0,
      failed: 0,
      verified: true,
      problems: [],
    });
  });

  it('phase b: errors and given-up claims count as failed, a failed verification is kept', () => {
    const bad = {
      b_claims: {
        ...phaseBSeq100.b_claims,
        successful_claims: 0,
        claims_per_s: 0.0,
        gave_up_after_retries: 2,
        other_errors: { 'GET 500': 3 },
        claim_latency_get_plus_put_incl_retries: {
          n: 0,
          p50_ms: null,
          p95_ms: null,
          p99_ms: null,
          max_ms: null,
          mean_ms: null,
        },
        verify: { ok: false, problems: ['GET /usages -> 500'] },
      },
    };
    expect(claimFigures(bad)).toMatchObject({
      claimed: 0,
      failed: 5,
      claim: { n: 0, p50Ms: null, p99Ms: null },
      verified: false,
      problems: ['GET /usages -> 500'],
    });
  });

  it('phase c: answered groups have seconds, the client timeout has none and says so', () => {
    const c = blowupFigures(phaseC100);
    expect(c).toMatchObject({ host: 'blowup00000', pfs: 8, scope: 'tree', timeoutSeconds: 120 });
    expect(c.sweep.map((r) => [r.groups, r.seconds, r.candidatesReturned])).toEqual([
      [1, 0.072, 8],
      [4, 1.215, 1000],
      [6, 72.918, 1000],
      [8, null, null],
    ]);
    expect(c.sweep[3]?.outcome).toBe('no answer within 120 s (client timeout)');
  });

  it('a changed kit fails naming the file and the field, instead of reading zeros', () => {
    expect(() =>
      claimFigures({ b_claims: { ...phaseBSeq100.b_claims, claims_per_s: 'fast' } }),
    ).toThrow(/bench\.py phase b: unexpected JSON \(b_claims\.claims_per_s: /);
    expect(() => candidatesFigures({ wall_s: 1 })).toThrow(/phase a.*a_allocation_candidates/);
  });
});
