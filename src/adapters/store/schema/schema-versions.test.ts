import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaVersions } from './schema-versions.js';

/**
 * Names recorded in existing databases (kysely_migration) before the schema
 * versions moved here: a database that ran them must find every one under
 * the same name, or kysely refuses to start ("corrupted migrations").
 */
const RELEASED = [
  '0001-initial',
  '0002-port-position',
  '0003-direct-physical',
  '0004-instance-vms',
  '0005-domain-policy',
  '0006-idempotency',
  '0007-quotas',
  '0008-events',
];

describe('schema versions', () => {
  it('keep the names existing databases recorded, in their order', async () => {
    const names = Object.keys(await schemaVersions.getMigrations());
    expect(names.slice(0, RELEASED.length)).toEqual(RELEASED);
    expect([...names].sort()).toEqual(names);
  });

  it('have one file each, numbered as registered', async () => {
    const names = Object.keys(await schemaVersions.getMigrations());
    const files = readdirSync(new URL('.', import.meta.url))
      .filter((f) => /^\d{4}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => f.slice(0, 4))
      .sort();
    expect(files).toEqual(names.map((n) => n.slice(0, 4)));
  });
});
