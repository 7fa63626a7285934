import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../adapters/store/open-store.js';
import { pgliteTemplate } from '../testing/pglite-template.js';
import { DEFAULT_CONFIG } from './controller-deps.js';
import { runController } from './run-controller.js';
import { realWorld } from '../bin/real-world.js';
import { runOnSocket } from '../testing/socket-controller.js';

describe('runController.close', () => {
  it('answers waiting long polls at once and lets every handler finish before the store closes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfleet-ctl-stop-'));
    const store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
    const logs: string[] = [];
    const ctl = await runController({
      ...realWorld,
      store,
      host: '127.0.0.1',
      port: 0,
      adminTokenFile: join(dir, 'admin-token'),
      config: DEFAULT_CONFIG,
      now: () => Date.now(),
      log: (l) => logs.push(l),
      serializeClaims: true,
    });
    try {
      const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim();
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      // Two hosts: one token holds one long poll per host (a second one would replace the first).
      for (const host of ['h1', 'h2']) {
        const reg = await fetch(`${ctl.url}/v1/agent/register`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ host }),
        });
        expect(reg.status).toBe(200);
      }
      const poll = (host: string, signal?: AbortSignal) =>
        fetch(`${ctl.url}/v1/agent/hosts/${host}/desired?after=99&waitSeconds=60`, {
          headers,
          ...(signal === undefined ? {} : { signal }),
        });
      // One agent still waiting, one that hangs up just as the controller stops.
      const waiting = poll('h1');
      const hangUp = new AbortController();
      const leaving = poll('h2', hangUp.signal).catch(() => null);
      await new Promise((r) => setTimeout(r, 200));
      hangUp.abort();
      const t0 = Date.now();
      await ctl.close();
      await store.close();
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect((await waiting).status).toBe(200);
      expect(await leaving).toBeNull();
      // No handler ran into a closed store.
      expect(logs.join('\n')).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps nothing of a long poll once it answered or its client hung up (nodejs/node#55351)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfleet-ctl-follow-'));
    const store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
    const { ctl, token } = await runOnSocket(store, dir, DEFAULT_CONFIG);
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      for (const host of ['h1', 'h2']) {
        await fetch(`${ctl.url}/v1/agent/register`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ host }),
        });
      }
      const stopping = ctl.deps.stopping;
      const following = () => stopping?.following();
      // Waited out, hung up, and an event long poll waited out: none is followed afterwards.
      const answered = await fetch(`${ctl.url}/v1/agent/hosts/h1/desired?after=99&waitSeconds=1`, {
        headers,
      });
      expect(answered.status).toBe(200);
      const events = await fetch(`${ctl.url}/v1/events?wait=1&since=999999`, { headers });
      expect(events.status).toBe(200);
      const hangUp = new AbortController();
      const leaving = fetch(`${ctl.url}/v1/agent/hosts/h2/desired?after=99&waitSeconds=60`, {
        headers,
        signal: hangUp.signal,
      }).catch(() => null);
      for (let i = 0; i < 100 && following() !== 1; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(following()).toBe(1);
      hangUp.abort();
      await leaving;
      for (let i = 0; i < 100 && following() !== 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(following()).toBe(0);
      // What leaked: Node's own list of the signals combined with the shutdown signal (empty or absent).
      const signal = stopping?.signal;
      const key =
        signal &&
        Object.getOwnPropertySymbols(signal).find((k) => k.description === 'kDependantSignals');
      const dependants: unknown =
        key === undefined ? undefined : (signal as unknown as Record<symbol, unknown>)[key];
      expect(dependants instanceof Set ? dependants.size : 0).toBe(0);
    } finally {
      await ctl.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ends even when a client stopped halfway through its request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfleet-ctl-half-'));
    const store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
    const { ctl } = await runOnSocket(store, dir, DEFAULT_CONFIG);
    const { hostname, port } = new URL(ctl.url);
    const half = connect({ host: hostname, port: Number(port) });
    half.on('error', () => undefined);
    try {
      await new Promise<void>((resolve) => half.once('connect', resolve));
      // Headers begun, never finished, the socket left open.
      half.write('GET /healthz HTTP/1.1\r\nHost: vfleet\r\n');
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      await ctl.close();
      expect(Date.now() - t0).toBeLessThan(9_000);
    } finally {
      half.destroy();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
