import { randomUUID } from 'node:crypto';
import type { OpenedStore } from '../adapters/store/open-store.js';
import { openStore } from '../adapters/store/open-store.js';
import { startPgCluster } from './pg-cluster.js';
import type { PgCluster } from './pg-cluster.js';
import { pgliteTemplate } from './pglite-template.js';

/**
 * Both stores the controller runs on, for `describe.each(STORE_KINDS)`.
 * One PostgreSQL cluster per test file, one database per store opened.
 */
export const STORE_KINDS = ['pglite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

let cluster: Promise<PgCluster> | null = null;

export function pgCluster(): Promise<PgCluster> {
  cluster ??= startPgCluster();
  return cluster;
}

export async function stopPgCluster(): Promise<void> {
  if (cluster === null) return;
  const c = await cluster.catch(() => null);
  cluster = null;
  await c?.stop();
}

/** A fresh, migrated store; on PostgreSQL also its URL, so a second controller can share it. */
export async function openTestStore(
  kind: StoreKind,
  poolSize?: number,
): Promise<{ store: OpenedStore; url: string | null }> {
  if (kind === 'pglite')
    return {
      store: await openStore({ kind: 'pglite', template: await pgliteTemplate() }),
      url: null,
    };
  const url = await (await pgCluster()).createDatabase(`t_${randomUUID().replace(/-/g, '')}`);
  return {
    store: await openStore({
      kind: 'postgres',
      url,
      ...(poolSize === undefined ? {} : { poolSize }),
    }),
    url,
  };
}
