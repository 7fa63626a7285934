import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../adapters/store/open-store.js';
import { startHarness } from '../testing/controller-harness.js';
import { pgliteTemplate } from '../testing/pglite-template.js';
import { runOnSocket } from '../testing/socket-controller.js';
import { openSse } from '../testing/sse-reader.js';
import { DEFAULT_CONFIG, type ControllerConfig } from './controller-deps.js';
import type { RunningController } from './run-controller.js';

const CONFIG: ControllerConfig = { ...DEFAULT_CONFIG, streamKeepaliveMs: 300 };

interface Ctl {
  readonly ctl: RunningController;
  readonly admin: string;
  call(method: string, path: string, body?: unknown, token?: string): Promise<Response>;
}

async function startOn(store: OpenedStore, dir: string): Promise<Ctl> {
  const { ctl, token: admin } = await runOnSocket(store, dir, CONFIG);
  return {
    ctl,
    admin,
    call: (method, path, body, token = admin) =>
      fetch(`${ctl.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}

/** Creates network `name` (an event) and answers its id. */
async function network(c: Ctl, name: string, tenant = 'acme'): Promise<string> {
  const r = await c.call('POST', '/v1/networks', { name, physnet: 'p1', tenant });
  const body = (await r.json()) as { id: string };
  expect(r.status, JSON.stringify(body)).toBe(201);
  return body.id;
}

/** A token made through the API; its secret. */
async function newToken(body: Record<string, unknown>): Promise<string> {
  const r = await c.call('POST', '/v1/tokens', body);
  const made = (await r.json()) as { token: string };
  expect(r.status).toBe(201);
  return made.token;
}

const stream = (c: Ctl, headers: Record<string, string> = {}, query = '', token = c.admin) =>
  openSse(`${c.ctl.url}/v1/events/stream${query}`, {
    authorization: `Bearer ${token}`,
    ...headers,
  });

let dir: string;
let store: OpenedStore;
let c: Ctl;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-stream-'));
  store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
  c = await startOn(store, dir);
  const p1 = await c.call('POST', '/v1/physnets', {
    name: 'p1',
    vlanRanges: [{ min: 1, max: 999 }],
  });
  expect(p1.status).toBe(201);
}, 60_000);
afterAll(async () => {
  await c.ctl.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /v1/events/stream', () => {
  it('sends retry first, then each event recorded after it connected, well within 1 s', async () => {
    await network(c, 'before-connect');
    const s = await stream(c);
    try {
      expect(s.status).toBe(200);
      expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await s.next()).toEqual({
        id: null,
        event: null,
        data: '',
        retry: 1000,
        comments: [],
      });
      const latencies: number[] = [];
      for (const name of ['live-1', 'live-2', 'live-3']) {
        const t0 = Date.now();
        const id = await network(c, name);
        const e = await s.nextEvent(1_000);
        latencies.push(Date.now() - t0);
        expect(e).toMatchObject({ kind: 'network-created', subject: name, tenant: 'acme' });
        expect(e?.data).toMatchObject({ network: id, physnet: 'p1' });
      }
      // Well within the 1 s the dashboard promises (the POST's own time included).
      expect(Math.max(...latencies), String(latencies)).toBeLessThan(500);
    } finally {
      s.close();
    }
  });

  it('each message is `id`, `event: fleet` and the Event JSON; the id is the event id', async () => {
    const s = await stream(c);
    try {
      await s.next();
      await network(c, 'shape');
      let m = await s.next();
      while (m !== null && m.event !== 'fleet') m = await s.next();
      const e = JSON.parse(m?.data ?? '{}') as Record<string, unknown>;
      expect(m?.id).toBe(String(e.id));
      expect(Object.keys(e).sort()).toEqual(
        ['at', 'data', 'host', 'id', 'kind', 'message', 'subject', 'tenant'].sort(),
      );
      const listed = await c.call('GET', `/v1/events?since=${Number(e.id) - 1}`);
      expect(((await listed.json()) as { items: unknown[] }).items[0]).toEqual(e);
    } finally {
      s.close();
    }
  });

  it('resumes after Last-Event-ID (or ?since=) with exactly the missed events', async () => {
    const first = await stream(c);
    await first.next();
    const id = await network(c, 'seen');
    const seen = await first.nextEvent();
    first.close();
    await c.call('PATCH', `/v1/networks/${id}`, { name: 'renamed' });
    await c.call('DELETE', `/v1/networks/${id}`);
    await network(c, 'third');
    const missed = ['network-updated renamed', 'network-deleted renamed', 'network-created third'];
    for (const how of ['header', 'query'] as const) {
      const again =
        how === 'header'
          ? await stream(c, { 'last-event-id': String(seen?.id) })
          : await stream(c, {}, `?since=${String(seen?.id)}`);
      try {
        const got: string[] = [];
        while (got.length < missed.length) {
          const e = await again.nextEvent();
          got.push(`${String(e?.kind)} ${String(e?.subject)}`);
        }
        expect(got, how).toEqual(missed);
        // Nothing more: not one twice, not one of before.
        await expect(again.nextEvent(700)).rejects.toThrow(/no SSE message/);
      } finally {
        again.close();
      }
    }
  });

  it("a tenant sees its own events only; an admin sees every tenant's", async () => {
    const tenantToken = await newToken({ name: 'acme-desk', role: 'tenant', tenant: 'acme' });
    const mine = await stream(c, {}, '', tenantToken);
    const all = await stream(c);
    try {
      await mine.next();
      await all.next();
      await network(c, 'theirs', 'globex');
      await network(c, 'ours', 'acme');
      expect(await mine.nextEvent()).toMatchObject({ subject: 'ours', tenant: 'acme' });
      await expect(mine.nextEvent(700)).rejects.toThrow(/no SSE message/);
      expect(await all.nextEvent()).toMatchObject({ subject: 'theirs', tenant: 'globex' });
      expect(await all.nextEvent()).toMatchObject({ subject: 'ours', tenant: 'acme' });
    } finally {
      mine.close();
      all.close();
    }
  });

  it('sends a keepalive comment while quiet', async () => {
    const s = await stream(c);
    try {
      await s.next();
      const t0 = Date.now();
      expect(await s.next(2_000)).toMatchObject({ comments: ['keepalive'], event: null });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    } finally {
      s.close();
    }
  });

  it('refuses a bad Last-Event-ID naming it, agent tokens, and no token', async () => {
    const bad = await fetch(`${c.ctl.url}/v1/events/stream`, {
      headers: { authorization: `Bearer ${c.admin}`, 'last-event-id': 'yesterday' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ details: { field: 'Last-Event-Id' } });
    const since = await c.call('GET', '/v1/events/stream?since=-1');
    expect(since.status).toBe(400);
    expect(await since.json()).toMatchObject({ details: { field: 'query.since' } });
    const agent = await newToken({ name: 'ag', role: 'agent', host: 'h' });
    expect((await c.call('GET', '/v1/events/stream', undefined, agent)).status).toBe(403);
    expect((await fetch(`${c.ctl.url}/v1/events/stream`)).status).toBe(401);
  });
});

describe('the stream ends cleanly', () => {
  it('when the client hangs up: its loop ends, no waiter left', async () => {
    const pumps: Promise<unknown>[] = [];
    const h = await startHarness('pglite', {}, undefined, {
      outliving: (w) => pumps.push(w),
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
        resolve(s);
      });
    });
    try {
      const { port } = server.address() as AddressInfo;
      const s = await openSse(`http://127.0.0.1:${port}/v1/events/stream`, {
        authorization: `Bearer ${h.admin}`,
      });
      await s.next();
      expect(pumps).toHaveLength(1);
      const state = { settled: false };
      void Promise.all(pumps).then(() => (state.settled = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(state.settled).toBe(false);
      s.close();
      const t0 = Date.now();
      while (!state.settled && Date.now() - t0 < 3_000) await new Promise((r) => setTimeout(r, 20));
      expect(state.settled, 'the stream loop still runs after the client hung up').toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
      await h.close();
    }
  });

  it('when the controller stops; a reconnect with Last-Event-ID after a restart on the same data dir loses nothing', async () => {
    const home = await mkdtemp(join(tmpdir(), 'vfleet-stream-restart-'));
    const dataDir = join(home, 'pglite');
    try {
      let st = await openStore({ kind: 'pglite', dataDir, template: await pgliteTemplate() });
      let one = await startOn(st, home);
      expect(
        (await one.call('POST', '/v1/physnets', { name: 'p1', vlanRanges: [{ min: 1, max: 99 }] }))
          .status,
      ).toBe(201);
      const s = await stream(one);
      await s.next();
      await network(one, 'before-restart');
      const last = await s.nextEvent();
      const t0 = Date.now();
      await one.ctl.close();
      expect(Date.now() - t0).toBeLessThan(3_000);
      // The stream ended (after any keepalive already sent).
      let m = await s.next();
      while (m !== null) m = await s.next();
      await st.close();

      st = await openStore({ kind: 'pglite', dataDir });
      one = await startOn(st, home);
      try {
        await network(one, 'after-restart-1');
        await network(one, 'after-restart-2');
        const again = await stream(one, { 'last-event-id': String(last?.id) });
        try {
          expect((await again.nextEvent())?.subject).toBe('after-restart-1');
          expect((await again.nextEvent())?.subject).toBe('after-restart-2');
          await expect(again.nextEvent(700)).rejects.toThrow(/no SSE message/);
        } finally {
          again.close();
        }
      } finally {
        await one.ctl.close();
        await st.close();
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 60_000);
});
