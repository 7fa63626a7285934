import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerProblem, requestsFor, seedFleet } from '../testing/api-fuzz-kit.js';
import type { FuzzRequest, FuzzWorld } from '../testing/api-fuzz-kit.js';
import { startHarness } from '../testing/controller-harness.js';
import { simInventory } from '../testing/fleet-sim.js';
import type { Harness } from '../testing/controller-harness.js';
import type { OpenApiDoc } from '../testing/openapi-arbitrary.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { createControllerApp } from './app.js';
import { createStopping } from './stopping.js';

afterAll(stopPgCluster);

/**
 * Property-based fuzz of every operation in the controller's own
 * /openapi.json, against a real controller on each store: whatever the
 * path, query, body, Content-Type or token, the answer is never a 5xx, an
 * error is {code, message, details} with a code other than INTERNAL and no
 * stack trace, and nothing is logged as an internal error. Bounded: a fixed
 * seed and run count per operation (FUZZ_SEED and FUZZ_RUNS override them, to explore).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 48);

describe.each(STORE_KINDS)('API fuzz on %s', (kind) => {
  let h: Harness;
  let app: ReturnType<typeof createControllerApp>;
  let world: FuzzWorld;
  let doc: OpenApiDoc;
  const logged: unknown[] = [];
  /** Answers by status and code, per operation (FUZZ_STATS=1 prints them: how deep the fuzz got). */
  let tally = new Map<string, number>();

  beforeAll(async () => {
    h = await startHarness(kind);
    world = await seedFleet(h);
    // The harness's controller, its internal-error log captured; long polls answer at once.
    app = createControllerApp({ ...h.deps, stopping: stoppedNow() }, (e) => logged.push(e));
    doc = (await (await app.request('/openapi.json')).json()) as OpenApiDoc;
  }, 60_000);
  afterAll(() => h.close());

  async function send(r: FuzzRequest): Promise<string | null> {
    logged.length = 0;
    const headers: Record<string, string> = {};
    if (r.token !== null) headers.authorization = `Bearer ${r.token}`;
    if (r.contentType !== null) headers['content-type'] = r.contentType;
    const res = await app.request(r.path, {
      method: r.method,
      headers,
      ...(r.body === null ? {} : { body: r.body }),
    });
    const text = await res.text();
    const key = `${res.status} ${res.status >= 400 ? (/"code":"(\w+)"/.exec(text)?.[1] ?? '') : ''}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
    const problem = answerProblem(res.status, text);
    if (problem !== null) return problem;
    return logged.length > 0 ? `an internal error logged: ${String(logged[0])}` : null;
  }

  it('racing creates, updates and reports of one object never get a 5xx', async () => {
    const report = {
      inventory: simInventory({ name: 'node2', pfs: 1, vfsPerPf: 3 }, 0x20),
      findings: [],
    };
    const races: [string, string, unknown][] = [
      ['POST', '/v1/physnets', { name: 'race', vlanRanges: [{ min: 300, max: 310 }] }],
      ['POST', '/v1/networks', { name: 'race', physnet: 'p1', tenant: 'acme' }],
      ['POST', '/v1/specs', { name: 'race', vendor: '15b3', physnet: 'p1', numVfs: 2 }],
      ['POST', '/v1/tokens', { name: 'race', role: 'tenant', tenant: 'acme' }],
      ['POST', '/v1/agent/register', { host: 'node9', labels: {} }],
      ['PATCH', '/v1/hosts/node1', { labels: { rack: 'r2' } }],
      ['POST', '/v1/agent/hosts/node2/report', report],
    ];
    for (const [method, path, body] of races) {
      logged.length = 0;
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          send({
            method,
            path,
            token: h.admin,
            contentType: 'application/json',
            body: JSON.stringify(body),
          }),
        ),
      );
      expect(
        answers.filter((a) => a !== null),
        `${method} ${path}`,
      ).toEqual([]);
    }
  }, 60_000);

  it('every operation answers bad and good input without a 5xx', async () => {
    const ops = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => [path, m] as const));
    expect(ops.length).toBeGreaterThan(30);
    const failures: string[] = [];
    for (const [i, [path, method]] of ops.entries()) {
      const seed = SEED + i;
      tally = new Map();
      const result = await fc.check(
        fc.asyncProperty(requestsFor(doc, path, method, world), async (r) => {
          const problem = await send(r);
          if (problem !== null) throw new Error(`${problem}: ${JSON.stringify(r)}`);
        }),
        { seed, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
      if (process.env.FUZZ_STATS !== undefined)
        console.log(`${method.toUpperCase()} ${path} ${JSON.stringify(Object.fromEntries(tally))}`);
      if (result.failed) {
        const why = result.errorInstance instanceof Error ? result.errorInstance.message : '';
        failures.push(`${method.toUpperCase()} ${path} (seed ${seed}): ${why.slice(0, 600)}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  }, 240_000);
});

/** The controller already stopping: a long poll answers at once. */
function stoppedNow() {
  const s = createStopping();
  s.stop();
  return s;
}
