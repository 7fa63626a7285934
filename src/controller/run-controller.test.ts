import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/store/open-store.js';
import { pgliteTemplate } from '../testing/pglite-template.js';
import { DEFAULT_CONFIG } from './controller-deps.js';
import { runController } from './run-controller.js';
import { realWorld } from '../bin/real-world.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('runController', () => {
  it('listens on 127.0.0.1, writes the first admin token 0600 once, serves the API docs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfleet-ctl-'));
    dirs.push(dir);
    const tokenFile = join(dir, 'secrets', 'admin-token');
    const store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
    const opts = {
      ...realWorld,
      store,
      host: '127.0.0.1',
      port: 0,
      adminTokenFile: tokenFile,
      config: DEFAULT_CONFIG,
      now: () => Date.now(),
      log: () => undefined,
      serializeClaims: true,
    };
    const ctl = await runController(opts);
    try {
      expect(ctl.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ctl.adminTokenCreated).toBe(true);
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      const token = (await readFile(tokenFile, 'utf8')).trim();
      const auth = { authorization: `Bearer ${token}` };
      expect((await fetch(`${ctl.url}/v1/hosts`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${ctl.url}/v1/hosts`)).status).toBe(401);

      const doc = (await (await fetch(`${ctl.url}/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
        components: { schemas: Record<string, unknown> };
      };
      expect(Object.keys(doc.paths)).toContain('/v1/instances');
      expect(doc.components.schemas).toHaveProperty('InstanceCreate');
      const page = await (await fetch(`${ctl.url}/docs`)).text();
      expect(page).toContain('<code>/v1/instances</code>');
      expect(page).toContain('numaPolicy?: &quot;required&quot; | &quot;preferred&quot;');
    } finally {
      await ctl.close();
    }
    // A restart keeps the token and writes no new one.
    const again = await runController({ ...opts, port: 0 });
    try {
      expect(again.adminTokenCreated).toBe(false);
    } finally {
      await again.close();
      await store.close();
    }
  });
});
