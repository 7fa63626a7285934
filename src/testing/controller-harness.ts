import { randomUUID } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { OpenedStore } from '../adapters/store/open-store.js';
import { hashSecret, newSecret } from '../controller/auth.js';
import { createControllerApp } from '../controller/app.js';
import { startFleetView } from '../controller/fleet-view.js';
import { storeFeed } from '../controller/change-feed.js';
import { createTokenCache } from '../controller/token-cache.js';
import type {
  AppEnv,
  ControllerConfig,
  ControllerDeps,
  IdSource,
} from '../controller/controller-deps.js';
import { DEFAULT_CONFIG, unserialized } from '../controller/controller-deps.js';
import { createLongPolls } from '../controller/long-polls.js';
import { createSerial } from '../controller/serial.js';
import type { TokenRole } from '../core/fleet/model.js';
import { openTestStore } from './store-targets.js';
import type { StoreKind } from './store-targets.js';
import { realWorld } from '../bin/real-world.js';

/** A controller app on a fresh store, driven through HTTP with app.request(). */
import type { Registry } from 'prom-client';
import type { Logger } from '../core/ports.js';
import { createControllerMetrics } from '../controller/metrics/controller-metrics.js';
import { registerFleetGauges } from '../controller/metrics/fleet-gauges.js';

export interface Harness {
  readonly app: OpenAPIHono<AppEnv>;
  readonly deps: ControllerDeps;
  readonly store: OpenedStore;
  readonly url: string | null;
  readonly admin: string;
  clock: number;
  call(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<{ status: number; body: Json }>;
  token(role: TokenRole, scope?: { tenant?: string; host?: string }): Promise<string>;
  close(): Promise<void>;
}

export type Json = Record<string, unknown> & Record<number, unknown>;

export const T0 = Date.parse('2030-01-01T00:00:00Z');

export interface HarnessOptions {
  /**
   * Run schedule-and-claim rounds one at a time (default: on the embedded
   * store, as the controller does). Off on PGlite, concurrent requests
   * interleave their reads with each other's claims, so only the claim's
   * SQL re-checks keep them apart: the tests that must prove those run so.
   */
  readonly serializeClaims?: boolean;
  /** Where ids, secrets and MACs come from (default: node:crypto); a test may script them. */
  readonly ids?: IdSource;
  /** Told of work that outlives its answer (event streams), as runController tracks it. */
  readonly outliving?: (work: Promise<unknown>) => void;
  /** Keep metrics on this registry and serve `GET /metrics`, as runController does. */
  readonly metrics?: Registry;
  /** The structured log requests are logged to. */
  readonly logger?: Logger;
}

export async function startHarness(
  kind: StoreKind,
  config: Partial<ControllerConfig> = {},
  poolSize?: number,
  options: HarnessOptions = {},
): Promise<Harness> {
  const { store, url } = await openTestStore(kind, poolSize);
  return harnessOn(store, url, config, options);
}

export async function harnessOn(
  store: OpenedStore,
  url: string | null,
  config: Partial<ControllerConfig> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const h = { clock: T0 };
  const fleetView = await startFleetView({
    claims: store.claims,
    notices: store.notices,
    now: () => h.clock,
    seenEveryMs: config.seenSweepMs ?? DEFAULT_CONFIG.seenSweepMs,
    log: (line) => {
      console.error(line);
    },
    id: realWorld.ids.uuid(),
  });
  const feed = await storeFeed(store.notices);
  const deps: ControllerDeps = {
    store,
    now: () => h.clock,
    elapsed: realWorld.elapsed,
    ids: options.ids ?? realWorld.ids,
    random: realWorld.random,
    config: { ...DEFAULT_CONFIG, ...config },
    feed,
    tokenCache: createTokenCache(feed),
    claimRound: (options.serializeClaims ?? store.embedded) ? createSerial() : unserialized,
    fleetView,
    longPolls: createLongPolls(),
    ...(options.outliving === undefined ? {} : { outliving: options.outliving }),
    ...(options.metrics === undefined ? {} : { metrics: createControllerMetrics(options.metrics) }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
  if (options.metrics !== undefined)
    registerFleetGauges(options.metrics, deps, deps.config.metricsPerHost);
  const app = createControllerApp(deps, (e) => {
    console.error('controller internal error', e);
  });
  const admin = await addToken(store, 'admin', {});
  const harness: Harness = Object.assign(h, {
    app,
    deps,
    store,
    url,
    admin,
    async call(method: string, path: string, token: string | null, body?: unknown) {
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await app.request(path, {
        method,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
      });
      const text = await res.text();
      let parsed: Json = {};
      if (text !== '') {
        try {
          parsed = JSON.parse(text) as Json;
        } catch {
          parsed = { text };
        }
      }
      return { status: res.status, body: parsed };
    },
    token: (role: TokenRole, scope: { tenant?: string; host?: string } = {}) =>
      addToken(store, role, scope),
    close: () => {
      fleetView.close();
      return store.close();
    },
  });
  return harness;
}

async function addToken(
  store: OpenedStore,
  role: TokenRole,
  scope: { tenant?: string; host?: string },
): Promise<string> {
  const { secret, hash } = newSecret(realWorld.ids);
  await store.tokens.create({
    id: randomUUID(),
    name: `${role}-${randomUUID().slice(0, 8)}`,
    role,
    tenant: scope.tenant ?? null,
    host: scope.host ?? null,
    hash,
    now: new Date(T0).toISOString(),
  });
  if (hashSecret(secret) !== hash) throw new Error('hash mismatch');
  return secret;
}

/**
 * The ways concurrent claims run, for `describe.each(CLAIM_MODES)`: PGlite
 * with its claim queue (as the controller runs it), PGlite without (one
 * transaction at a time still, but reads and claims of concurrent requests
 * interleave, so stale placements reach the claim's SQL), and PostgreSQL.
 */
export const CLAIM_MODES = [
  { name: 'pglite, claims queued', kind: 'pglite', options: { serializeClaims: true } },
  { name: 'pglite, no queue', kind: 'pglite', options: { serializeClaims: false } },
  { name: 'postgres', kind: 'postgres', options: { serializeClaims: false } },
] as const satisfies readonly {
  name: string;
  kind: StoreKind;
  options: HarnessOptions;
}[];
