import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/store/open-store.js';
import type { OpenedStore } from '../adapters/store/open-store.js';
import { pgCluster, stopPgCluster } from '../testing/store-targets.js';
import { hashSecret } from './auth.js';
import { DEFAULT_CONFIG } from './controller-deps.js';
import { runController } from './run-controller.js';
import type { RunningController } from './run-controller.js';
import { realWorld } from '../bin/real-world.js';

const dirs: string[] = [];
afterAll(async () => {
  await stopPgCluster();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const CONTROLLERS = 4;

describe('controllers started at once on an empty PostgreSQL', () => {
  it(`${CONTROLLERS} at once create exactly one admin token, and only its creator writes and announces it`, async () => {
    const url = await (await pgCluster()).createDatabase(`boot_${Date.now()}`);
    const dir = await mkdtemp(join(tmpdir(), 'vfleet-boot-'));
    dirs.push(dir);
    // Each controller its own store (its own connections) and data dir, as separate processes have.
    const stores: OpenedStore[] = [];
    for (let i = 0; i < CONTROLLERS; i++) stores.push(await openStore({ kind: 'postgres', url }));
    const files = stores.map((_, i) => join(dir, `c${i}`, 'admin-token'));
    const started = await Promise.allSettled(
      stores.map((store, i) =>
        runController({
          ...realWorld,
          store,
          host: '127.0.0.1',
          port: 0,
          adminTokenFile: files[i] ?? '',
          config: DEFAULT_CONFIG,
          now: () => Date.now(),
          log: () => undefined,
          serializeClaims: false,
        }),
      ),
    );
    const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      // Every controller starts; none fails on the others' token.
      expect(started.map((s) => s.status)).toEqual(Array(CONTROLLERS).fill('fulfilled'));
      const creators = running.flatMap((c, i) => (c.adminTokenCreated ? [i] : []));
      expect(creators).toHaveLength(1);
      const creator = creators[0] ?? -1;
      // Only the creator wrote a token file; the others announce none.
      expect(files.map((f) => existsSync(f))).toEqual(files.map((_, i) => i === creator));

      const admins = await stores[0]?.db
        .selectFrom('tokens')
        .select('hash')
        .where('role', '=', 'admin')
        .execute();
      const secret = (await readFile(files[creator] ?? '', 'utf8')).trim();
      expect(admins).toEqual([{ hash: hashSecret(secret) }]);
      // That one token opens every controller's API.
      for (const c of running) {
        const r = await fetch(`${c.url}/v1/hosts`, {
          headers: { authorization: `Bearer ${secret}` },
        });
        expect(r.status).toBe(200);
      }
    } finally {
      await Promise.all(running.map((c: RunningController) => c.close()));
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 120_000);
});
