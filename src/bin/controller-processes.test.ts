import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltDashboard } from '../testing/browser.js';
import { ensureBuilt, spawnVfleet, type VfleetProcess } from '../testing/built-cli.js';
import { applyDesired, basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';
import { pgCluster, stopPgCluster } from '../testing/store-targets.js';

/**
 * Two `vfleet controller` OS processes (the built binary) on one throwaway
 * PostgreSQL: claims race across processes, and only row locks keep them apart.
 */
let dir: string;
const procs: VfleetProcess[] = [];

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'vfleet-procs-'));
}, 300_000);

afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  await stopPgCluster();
  await rm(dir, { recursive: true, force: true });
});

async function startController(
  name: string,
  databaseUrl: string,
  env: Record<string, string> = {},
) {
  const p = spawnVfleet(['controller', '--listen', '127.0.0.1:0', '--data-dir', join(dir, name)], {
    DATABASE_URL: databaseUrl,
    VFLEET_URL: '',
    VFLEET_TOKEN: '',
    ...env,
  });
  procs.push(p);
  const url = (await p.waitFor(/controller: (http:\/\/127\.0\.0\.1:\d+)/))[1] ?? '';
  return { p, url };
}

describe('two controller processes on one PostgreSQL', () => {
  it('200 parallel requests for 50 free VFs: exactly 50 win, no VF twice; SIGTERM exits 0', async () => {
    const databaseUrl = await (await pgCluster()).createDatabase(`procs_${Date.now()}`);
    // One after the other: the first creates the admin token, the second finds it.
    const a = await startController('a', databaseUrl);
    const b = await startController('b', databaseUrl);
    expect(a.p.stdout()).toMatch(/storage: PostgreSQL at 127\.0\.0\.1:\d+\/procs_\d+\n/);
    expect(a.p.stdout()).toContain('(created now)');
    expect(b.p.stdout()).not.toContain('(created now)');
    // The installed binary serves the built dashboard at the address it prints.
    expect(a.p.stdout()).toContain(`dashboard: ${a.url}/\n`);
    const index = await readFile(join(await requireBuiltDashboard(), 'index.html'), 'utf8');
    for (const page of ['/', '/hosts/node0'])
      expect(await (await fetch(`${a.url}${page}`)).text(), page).toBe(index);
    const admin = (await readFile(join(dir, 'a', 'admin-token'), 'utf8')).trim();
    const viaA = httpFleet(a.url, admin);
    const viaB = httpFleet(b.url, admin);

    // 5 hosts x 2 PFs x 5 VFs = 50 free VFs on physnet p1.
    await basicCatalog(viaA, 5);
    for (let i = 0; i < 5; i++) await joinHost(viaA, { name: `node${i}`, pfs: 2, vfsPerPf: 5 });

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? viaA : viaB).call('POST', '/v1/instances', admin, {
          name: `vm${i}`,
          vcpus: 1,
          memoryMb: 64,
          tenant: 'acme',
          ports: [{ network: 'blue' }],
        }),
      ),
    );
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status !== 201);
    expect(won).toHaveLength(50);
    expect(lost.map((r) => [r.status, r.body.code])).toEqual(
      Array.from({ length: 150 }, () => [409, 'NO_CAPACITY']),
    );
    // Both processes handed out VFs, and no VF went out twice.
    const hosts = won.map((r) => (r.body.ports as { host: string; pciAddress: string }[])[0]);
    const vfs = hosts.map((p) => `${p?.host ?? '?'}/${p?.pciAddress ?? '?'}`);
    expect(new Set(vfs).size).toBe(50);
    const byA = won.filter((r) => results.indexOf(r) % 2 === 0).length;
    expect(byA).toBeGreaterThan(0);
    expect(byA).toBeLessThan(50);
    // The other process agrees on what the store holds.
    const ports = (await viaB.call('GET', '/v1/ports', admin)).body.items as {
      host: string;
      pciAddress: string;
    }[];
    expect(ports).toHaveLength(50);
    expect(new Set(ports.map((p) => `${p.host}/${p.pciAddress}`))).toEqual(new Set(vfs));

    for (const c of [a, b]) {
      expect(await c.p.stop('SIGTERM')).toBe(0);
      expect(c.p.stderr()).toContain('vfleet: SIGTERM: shutting down');
    }
  }, 180_000);

  it('a change through one controller ends a long poll held on the other (LISTEN/NOTIFY)', async () => {
    const databaseUrl = await (await pgCluster()).createDatabase(`notify_${Date.now()}`);
    // The safety-net re-read is an hour here: only a notice can end a wait early.
    const slow = { VFLEET_FEED_POLL_SECONDS: '3600' };
    const a = await startController('na', databaseUrl, slow);
    const b = await startController('nb', databaseUrl, slow);
    const admin = (await readFile(join(dir, 'na', 'admin-token'), 'utf8')).trim();
    const viaA = httpFleet(a.url, admin);
    const viaB = httpFleet(b.url, admin);
    await basicCatalog(viaA, 2);
    const agent = await joinHost(viaA, { name: 'node0', pfs: 1, vfsPerPf: 2 });
    const before = await applyDesired(viaB, agent, 'node0');

    const events: string[] = [];
    const poll = viaB
      .call('GET', `/v1/agent/hosts/node0/desired?after=${before.generation}&waitSeconds=60`, agent)
      .then((r) => {
        events.push('B answered');
        return r;
      });
    // The yardstick: a poll on B that no change can end (no such generation), so it
    // ends at its 30 s deadline. Without a notice, the poll above would end after it.
    // The admin token's: one token holds one long poll per host (a second replaces it).
    const yardstick = viaB
      .call('GET', `/v1/agent/hosts/node0/desired?after=1000000&waitSeconds=30`, admin)
      .then(() => 'the 30 s yardstick' as const);
    // Give B the moment it needs to read the store and park both polls.
    await new Promise((r) => setTimeout(r, 500));
    expect(events).toEqual([]);
    const inst = await viaA.call('POST', '/v1/instances', admin, {
      name: 'vm',
      vcpus: 1,
      memoryMb: 64,
      tenant: 'acme',
      ports: [{ network: 'blue' }],
    });
    expect(inst.status).toBe(201);
    expect(await Promise.race([poll.then(() => 'the poll' as const), yardstick])).toBe('the poll');
    const answer = await poll;
    expect(answer.status).toBe(200);
    expect(answer.body.generation).toBeGreaterThan(before.generation);
    const vfs = (answer.body.state as { pfs: { vfs: { mac: string }[] }[] }).pfs[0]?.vfs ?? [];
    const mac = (inst.body.ports as { mac: string }[])[0]?.mac;
    expect(vfs.map((v) => v.mac)).toContain(mac);

    // Shutting down answers the yardstick's wait at once.
    for (const c of [a, b]) expect(await c.p.stop('SIGTERM')).toBe(0);
  }, 180_000);
});
