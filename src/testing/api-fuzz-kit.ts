import fc from 'fast-check';
import type { Harness } from './controller-harness.js';
import { basicCatalog, joinHost } from './fleet-sim.js';
import type { OpenApiDoc } from './openapi-arbitrary.js';
import { fromSchema, hostileValue, mutate } from './openapi-arbitrary.js';

/** One request the fuzz sends: the path already percent-encoded, the body as raw text. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly token: string | null;
  readonly contentType: string | null;
  readonly body: string | null;
}

/** The seeded fleet: valid ids per kind of path parameter, and the tokens to send. */
export interface FuzzWorld {
  readonly ids: Record<string, readonly string[]>;
  readonly names: readonly string[];
  readonly tokens: readonly (string | null)[];
}

/**
 * Two hosts, a catalog, networks of two tenants, an instance with a port,
 * and a spare token, so that fuzzed requests with valid ids reach the store.
 */
export async function seedFleet(h: Harness): Promise<FuzzWorld> {
  await basicCatalog(h, 4);
  const agent = await joinHost(h, { name: 'node1', pfs: 2, vfsPerPf: 4, labels: { rack: 'r1' } });
  await joinHost(h, { name: 'node2', pfs: 1, vfsPerPf: 4 }, 0x20);
  await h.call('POST', '/v1/physnets', h.admin, { name: 'p2', vlanRanges: [{ min: 5, max: 9 }] });
  await h.call('POST', '/v1/networks', h.admin, { name: 'red', physnet: 'p1', tenant: 'zeta' });
  const vm = await h.call('POST', '/v1/instances', h.admin, {
    name: 'vm0',
    vcpus: 1,
    memoryMb: 256,
    tenant: 'acme',
    ports: [{ network: 'blue', mac: 'fa:16:3e:00:00:01' }],
  });
  if (vm.status !== 201) throw new Error(`seed instance: ${vm.status} ${JSON.stringify(vm.body)}`);
  const spare = await h.call('POST', '/v1/tokens', h.admin, { name: 'spare', role: 'admin' });
  const idsOf = async (path: string) =>
    ((await h.call('GET', path, h.admin)).body as unknown as { items: { id: string }[] }).items.map(
      (x) => x.id,
    );
  const tenant = await h.token('tenant', { tenant: 'acme' });
  return {
    ids: {
      hosts: ['node1', 'node2'],
      specs: await idsOf('/v1/specs'),
      physnets: ['p1', 'p2'],
      networks: await idsOf('/v1/networks'),
      instances: await idsOf('/v1/instances'),
      ports: await idsOf('/v1/ports'),
      tokens: [String(spare.body.id)],
      tasks: ['no-such-task'],
    },
    names: [
      ...['p1', 'p2', 'blue', 'red', 'acme', 'zeta', 'igb', 'node1', 'vm0', 'fa:16:3e:00:00:01'],
      // PCI addresses of node1's PFs and VFs, so agent reports pass the schema and reach the store.
      ...['0000:10:00.0', '0000:10:10.0', '0000:10:10.1', '0000:11:00.0', '0000:11:10.0'],
    ],
    tokens: [h.admin, h.admin, h.admin, tenant, tenant, agent, agent, 'vfl_unknown', null],
  };
}

/** Path segments that are not ids: NUL, control characters, broken percent-encoding. */
const hostileSegments = [
  '%00',
  'a%00b',
  '%zz',
  '%',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AF',
  '%07',
  '%1B',
  '%20',
  '..',
  '%2F',
  '%F0%9F%92%A5',
  'x'.repeat(300),
  'node1%00',
] as const;

const segment = (valid: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: valid.length > 0 ? fc.constantFrom(...valid) : fc.constant('none') },
    { weight: 3, arbitrary: fc.constantFrom(...hostileSegments) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).map(encodeLoosely),
    },
  );

/** encodeURIComponent, but a lone surrogate (which it refuses) goes as its raw UTF-8 bytes. */
function encodeLoosely(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return Array.from(s)
      .map((ch) => {
        const c = ch.charCodeAt(0);
        if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff)
          return `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`;
        return encodeURIComponent(ch);
      })
      .join('');
  }
}

const queryValue = fc.oneof(
  fc.integer({ min: 0, max: 5 }).map(String),
  fc.constantFrom('%00', '%zz', '1e400', '-1', '99999999999999999999', 'abc', '', '1.5', '0x10'),
  fc.string({ unit: 'binary', maxLength: 6 }).map(encodeLoosely),
);

/** Which pool a path parameter draws from: the collection before it (`/v1/specs/{id}`). */
function poolFor(path: string, param: string, world: FuzzWorld, method: string): readonly string[] {
  if (param === 'task') return world.ids.tasks ?? [];
  const before = path.split(`/{${param}}`)[0] ?? '';
  const kind = before.split('/').pop() ?? '';
  // Valid instance ids are kept from migrate: a live migration runs on after the answer.
  if (method === 'post' && path.endsWith('/migrate')) return ['no-such-instance'];
  return world.ids[kind] ?? [];
}

const rawBodies = [
  '',
  '{',
  'null',
  '[]',
  '"text"',
  '{"a":',
  '\u0000',
  '{"a":"\\u0000"}',
  '{"a":"\\ud800"}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`,
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{}}}',
] as const;

const contentTypes = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      'text/plain',
      'application/json; charset=utf-16',
      'application/x-www-form-urlencoded',
      'application/merge-patch+json',
      'multipart/form-data; boundary=x',
    ),
  },
);

/** Requests for one operation of the document: valid-shaped, mutated and hostile. */
export function requestsFor(
  doc: OpenApiDoc,
  path: string,
  method: string,
  world: FuzzWorld,
): fc.Arbitrary<FuzzRequest> {
  const op = doc.paths[path]?.[method] ?? {};
  const params = op.parameters ?? [];
  const segments = fc.tuple(
    ...params
      .filter((p) => p.in === 'path')
      .map((p) => fc.tuple(fc.constant(p.name), segment(poolFor(path, p.name, world, method)))),
  );
  const query = fc.tuple(
    ...params
      .filter((p) => p.in === 'query')
      .map((p) => fc.option(fc.tuple(fc.constant(p.name), queryValue), { freq: 2 })),
    fc.option(fc.tuple(fc.constant('x'), queryValue), { freq: 6 }),
  );
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const valid = schema === undefined ? null : fromSchema(schema, doc, world.names);
  const body: fc.Arbitrary<string | null> =
    valid === null
      ? fc.constant(null)
      : fc.oneof(
          { weight: 3, arbitrary: valid.map((v) => JSON.stringify(v)) },
          {
            weight: 4,
            arbitrary: fc
              .tuple(valid, fc.nat(), hostileValue, fc.nat())
              .map(([v, pick, bad, how]) => JSON.stringify(mutate(v, pick, bad, how))),
          },
          { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v)) },
          { weight: 1, arbitrary: fc.constantFrom(...rawBodies) },
        );
  return fc
    .record({
      segments,
      query,
      token: fc.constantFrom(...world.tokens),
      contentType: valid === null ? fc.constant(null) : contentTypes,
      body,
    })
    .map(({ segments: seg, query: q, token, contentType, body: b }) => {
      let at = path;
      for (const [name, value] of seg) at = at.replace(`{${name}}`, value);
      const qs = q.filter((x) => x !== null).map(([k, v]) => `${k}=${v}`);
      return {
        method: method.toUpperCase(),
        path: qs.length > 0 ? `${at}?${qs.join('&')}` : at,
        token,
        contentType,
        body: b,
      };
    });
}

/** What is wrong with one answer, or null: no 5xx, the error shape, no internals. */
export function answerProblem(status: number, text: string): string | null {
  if (status >= 500) return `status ${status}`;
  if (/\n\s+at |node_modules|\.ts:\d+/.test(text))
    return 'a stack trace or source path in the body';
  if (status < 400 || text === '') return null;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'an error body that is not JSON';
  }
  const b = body as { code?: unknown; message?: unknown; details?: { field?: unknown } | null };
  const keys = Object.keys(b).sort().join(',');
  if (keys !== 'code,details,message') return `error body keys ${keys}`;
  if (typeof b.code !== 'string' || b.code === 'INTERNAL') return `code ${String(b.code)}`;
  if (typeof b.message !== 'string' || typeof b.details !== 'object' || b.details === null)
    return 'message or details of the wrong type';
  if (b.code === 'INVALID_INPUT' && (typeof b.details.field !== 'string' || b.details.field === ''))
    return 'INVALID_INPUT without details.field';
  return null;
}
