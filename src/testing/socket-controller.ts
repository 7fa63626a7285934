import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../adapters/store/open-store.js';
import type { OpenedStore } from '../adapters/store/open-store.js';
import type { ControllerConfig } from '../controller/controller-deps.js';
import { runController, type RunningController } from '../controller/run-controller.js';
import { pgliteTemplate } from './pglite-template.js';
import { realWorld } from '../bin/real-world.js';

/**
 * runController on 127.0.0.1 (a real socket, unlike controller-harness's
 * app.request), on a fresh PGlite store, with its admin token read back
 * from the file it writes.
 */
export interface SocketController {
  readonly ctl: RunningController;
  readonly store: OpenedStore;
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * runController on 127.0.0.1 over a store the caller opened (so a test can
 * restart a controller on the same data), its admin token file in `dir`.
 */
export async function runOnSocket(
  store: OpenedStore,
  dir: string,
  config: ControllerConfig,
): Promise<{ ctl: RunningController; token: string }> {
  const ctl = await runController({
    ...realWorld,
    store,
    host: '127.0.0.1',
    port: 0,
    adminTokenFile: join(dir, 'admin-token'),
    config,
    now: () => Date.now(),
    log: () => undefined,
    serializeClaims: true,
  });
  const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim();
  return { ctl, token };
}

export async function startSocketController(
  dirPrefix: string,
  config: ControllerConfig,
): Promise<SocketController> {
  const dir = await mkdtemp(join(tmpdir(), dirPrefix));
  const store = await openStore({ kind: 'pglite', template: await pgliteTemplate() });
  const { ctl, token } = await runOnSocket(store, dir, config);
  return {
    ctl,
    store,
    url: ctl.url,
    port: Number(new URL(ctl.url).port),
    token,
    async close() {
      await ctl.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
