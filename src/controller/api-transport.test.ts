import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { MAX_JSON_DEPTH } from '../core/input-text.js';
import { createControllerApp } from './app.js';

afterAll(stopPgCluster);

/**
 * Bad bytes at the transport level (issue 9 item 3): each of these was a 500
 * with a stack trace in the log, from the framework (415) or from the
 * database refusing the text. Now each is a 4xx naming the field.
 */
const JSON_TYPE = { 'content-type': 'application/json' };
const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const report = (findings: string) =>
  `{"inventory":{"pfs":[]},"findings":${findings},"numaNodes":[],"memoryMb":null}`;

/** [what, method, path, headers, raw body, status, details.field] */
type Case = readonly [
  string,
  string,
  string,
  Record<string, string>,
  string | null,
  number,
  string,
];
const cases: Case[] = [
  [
    'no Content-Type',
    'POST',
    '/v1/physnets',
    {},
    '{"name":"p9","vlanRanges":[]}',
    400,
    'Content-Type',
  ],
  ['no Content-Type, no body', 'POST', '/v1/physnets', {}, null, 400, 'Content-Type'],
  [
    'Content-Type text/plain',
    'PATCH',
    '/v1/hosts/node1',
    { 'content-type': 'text/plain' },
    '{"labels":{}}',
    400,
    'Content-Type',
  ],
  [
    'a form body',
    'POST',
    '/v1/tokens',
    { 'content-type': 'application/x-www-form-urlencoded' },
    'name=t&role=admin',
    400,
    'Content-Type',
  ],
  [
    'a charset other than utf-8',
    'POST',
    '/v1/physnets',
    { 'content-type': 'application/json; charset=latin1' },
    '{"name":"p9","vlanRanges":[]}',
    400,
    'Content-Type',
  ],
  ['an empty JSON body', 'POST', '/v1/physnets', JSON_TYPE, '', 400, '(body)'],
  ['%00 in a network id', 'GET', '/v1/networks/%00', {}, null, 400, 'path.id'],
  ['%00 in a host id', 'GET', '/v1/hosts/a%00b', {}, null, 400, 'path.id'],
  ['%00 in a physnet name', 'DELETE', '/v1/physnets/p%001', {}, null, 400, 'path.name'],
  ['a control character in an id', 'GET', '/v1/instances/a%07b', {}, null, 400, 'path.id'],
  ['%zz in an id', 'GET', '/v1/networks/%zz', {}, null, 400, 'path.id'],
  ['a cut UTF-8 sequence in an id', 'GET', '/v1/specs/%E0%A4%A', {}, null, 400, 'path.id'],
  ['an encoded lone surrogate in an id', 'GET', '/v1/ports/%ED%A0%80', {}, null, 400, 'path.id'],
  ['%00 in an unknown route', 'GET', '/v1/nothing/%00', {}, null, 400, 'path'],
  [
    '%00 in a task id',
    'POST',
    '/v1/agent/hosts/node1/tasks/t%00',
    JSON_TYPE,
    '{"ok":true,"message":null}',
    400,
    'path.task',
  ],
  [
    '%00 in a query value',
    'GET',
    '/v1/agent/hosts/node1/desired?after=1%00',
    {},
    null,
    400,
    'query.after',
  ],
  [
    'malformed percent-encoding in a query value',
    'GET',
    '/v1/agent/hosts/node1/desired?waitSeconds=%E0%A4%A',
    {},
    null,
    400,
    'query.waitSeconds',
  ],
  [
    'NUL in a label value',
    'PATCH',
    '/v1/hosts/node1',
    JSON_TYPE,
    '{"labels":{"rack":"r\\u0000"}}',
    400,
    'labels.rack',
  ],
  [
    'a lone surrogate in a label value',
    'PATCH',
    '/v1/hosts/node1',
    JSON_TYPE,
    '{"labels":{"rack":"r\\ud800"}}',
    400,
    'labels.rack',
  ],
  [
    'a lone low surrogate in a label key',
    'PATCH',
    '/v1/hosts/node1',
    JSON_TYPE,
    '{"labels":{"r\\udc00":"x"}}',
    400,
    'labels.r\\udc00',
  ],
  [
    'NUL in an apply message',
    'POST',
    '/v1/agent/hosts/node1/applied',
    JSON_TYPE,
    '{"generation":1,"ok":false,"message":"disk\\u0000full"}',
    400,
    'message',
  ],
  [
    'a lone surrogate in an apply message',
    'POST',
    '/v1/agent/hosts/node1/applied',
    JSON_TYPE,
    '{"generation":1,"ok":false,"message":"x\\udc00"}',
    400,
    'message',
  ],
  [
    'NUL in a finding',
    'POST',
    '/v1/agent/hosts/node1/report',
    JSON_TYPE,
    report('[{"severity":"info","evidence":"a\\u0000"}]'),
    400,
    'findings[0].evidence',
  ],
  [
    'NUL in a finding key',
    'POST',
    '/v1/agent/hosts/node1/report',
    JSON_TYPE,
    report('[{"severity":"info","e\\u0000":1}]'),
    400,
    'findings[0].e\\u0000',
  ],
  [
    'a finding nested 5,000 levels deep',
    'POST',
    '/v1/agent/hosts/node1/report',
    JSON_TYPE,
    report(`[{"severity":"info","evidence":${deep(5000)}}]`),
    400,
    `findings[0].evidence${'.a'.repeat(MAX_JSON_DEPTH - 3)}`,
  ],
  [
    'two VFs with one index in an agent report',
    'POST',
    '/v1/agent/hosts/node1/report',
    JSON_TYPE,
    JSON.stringify({
      inventory: {
        pfs: [
          {
            ...{ pciAddress: '0000:10:00.0', ifname: null, vendorId: '8086', deviceId: '1521' },
            ...{ driver: 'igb', totalVfs: 7, numVfs: 2, numaNode: 0 },
            vfs: [
              { index: 0, pciAddress: '0000:10:10.0' },
              { index: 0, pciAddress: '0000:10:10.1' },
            ],
          },
        ],
      },
    }),
    400,
    'inventory.pfs[0].vfs[1].index',
  ],
  [
    'a NUL in an instance name',
    'POST',
    '/v1/instances',
    JSON_TYPE,
    '{"name":"vm\\u0000","vcpus":1,"memoryMb":256,"ports":[{"network":"blue"}]}',
    400,
    'name',
  ],
];

describe.each(STORE_KINDS)('transport-level bad input on %s', (kind) => {
  let h: Harness;
  let app: ReturnType<typeof createControllerApp>;
  const logged: unknown[] = [];
  beforeAll(async () => {
    h = await startHarness(kind);
    // The same controller, with its internal-error log captured: nothing may land there.
    app = createControllerApp(h.deps, (e) => logged.push(e));
    await basicCatalog(h, 4);
    await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
  }, 60_000);
  afterAll(() => h.close());

  it.each(cases)('%s', async (_what, method, path, headers, body, status, field) => {
    logged.length = 0;
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${h.admin}`, ...headers },
      ...(body === null ? {} : { body }),
    });
    const out = (await res.json()) as {
      code: string;
      message: string;
      details: { field?: string };
    };
    expect(res.status, JSON.stringify(out)).toBe(status);
    expect(out.code).toBe('INVALID_INPUT');
    expect(out.details.field).toBe(field);
    expect(out.message).not.toMatch(/\n\s+at /);
    expect(logged).toEqual([]);
  });

  it('still takes JSON with charset=utf-8', async () => {
    const ok = await app.request('/v1/agent/hosts/node1/report', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.admin}`,
        'content-type': 'application/json; charset=UTF-8',
      },
      body: report('[{"id":"f","severity":"info","subject":"s","title":"t","evidence":["e"]}]'),
    });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const host = await h.call('GET', '/v1/hosts/node1', h.admin);
    expect(host.body.findings).toHaveLength(1);
  });

  it('passes nesting up to the bound on to the route, whose schema has the last word', async () => {
    // The report object is level 1, findings 2, the finding 3, so evidence may nest 29 more.
    const res = await app.request('/v1/agent/hosts/node1/report', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.admin}`, 'content-type': 'application/json' },
      body: report(
        `[{"id":"f","severity":"info","subject":"s","title":"t","evidence":${deep(MAX_JSON_DEPTH - 3)}}]`,
      ),
    });
    const out = (await res.json()) as { message: string; details: { field?: string } };
    // Findings are strict (evidence is lines of text): refused by the schema, not the guard.
    expect(res.status).toBe(400);
    expect(out.details.field).toMatch(/^findings\[0\]\.evidence/);
    expect(out.message).not.toMatch(/nested deeper/);
  });
});
