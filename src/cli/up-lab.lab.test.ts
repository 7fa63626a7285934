import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnVfleet, type VfleetProcess } from '../testing/built-cli.js';
import { buildFixtureHost, type FixtureHost } from '../testing/fixture-host.js';
import { httpFleet } from '../testing/http-fleet.js';
import { guestOk, newLab } from '../testing/lab-kit.js';
import { until } from '../testing/libvirt-lab-fleet.js';

// `vfleet up --lab` as a user runs it (the built binary, a child process): a
// lab guest boots and its own `vfleet agent` joins over the lab's forward NIC.
// Needs a built dist/ (`npm test` builds first) and the lab tools.
const NAME = `up${process.pid}`;
const HOST = `lab-${NAME}`;
const lab = newLab();
let dir = '';
let local: FixtureHost | undefined;
let up: VfleetProcess | undefined;

interface Detail {
  ready: boolean;
  pfs: { driver: string | null; totalVfs: number; numVfs: number; vfs: { state: string }[] }[];
}

const qemuAlive = async (pid: number) =>
  (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(NAME);

describe('vfleet up --lab', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vfleet-up-lab-'));
    // This machine's own agent reads a fixture host without PFs: the test leaves the real host alone.
    local = await buildFixtureHost({ hostname: 'up-local', pfs: [] });
  });
  afterAll(async () => {
    await up?.stop('SIGKILL');
    await lab.down(NAME).catch(() => undefined);
    await local?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('boots a lab guest whose agent joins, applies a spec on its igb PFs, and stops with up', async () => {
    up = spawnVfleet(
      [
        'up',
        '--lab',
        '--lab-name',
        NAME,
        '--lab-pfs',
        '2',
        '--listen',
        '127.0.0.1:0',
        '--data-dir',
        join(dir, 'data'),
        '--host-root',
        local?.root ?? '',
      ],
      { VFLEET_URL: '', VFLEET_TOKEN: '', VFLEET_DATA_DIR: '' },
    );
    const url = (await up.waitFor(/controller: (http:\/\/127\.0\.0\.1:\d+)/, 120_000))[1] ?? '';
    const pid = Number((await up.waitFor(/lab: \S+ is up: QEMU pid (\d+)/, 900_000))[1]);
    expect(await qemuAlive(pid)).toBe(true);
    await up.waitFor(
      new RegExp(`agent: lab host ${HOST} joined with 2 PF\\(s\\) \\(igb\\)`),
      400_000,
    );

    const api = httpFleet(url, (await readFile(join(dir, 'data', 'admin-token'), 'utf8')).trim());
    const hosts = (await api.call('GET', '/v1/hosts', api.admin)).body.items as {
      id: string;
    }[];
    expect(hosts.map((h) => h.id).sort()).toEqual([HOST, 'up-local']);
    const detail = async () =>
      (await api.call('GET', `/v1/hosts/${HOST}`, api.admin)).body as unknown as Detail;
    expect((await detail()).pfs.map((p) => [p.driver, p.totalVfs, p.numVfs])).toEqual([
      ['igb', 7, 0],
      ['igb', 7, 0],
    ]);

    for (const [path, body] of [
      ['/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] }],
      ['/v1/specs', { name: 'lab-igb', vendor: '8086', driver: 'igb', physnet: 'p1', numVfs: 2 }],
    ] as const)
      expect((await api.call('POST', path, api.admin, body)).status).toBe(201);
    const applied = await until('the lab host to apply the spec', 300_000, async () => {
      const d = await detail();
      const done = d.ready && d.pfs.every((p) => p.numVfs === 2 && p.vfs.length === 2);
      return done ? d : null;
    });
    expect(applied.pfs.flatMap((p) => p.vfs.map((v) => v.state))).toEqual(Array(4).fill('free'));
    // The guest's kernel made them, not only the controller's view.
    const numVfs = await guestOk(lab, NAME, 'cat /sys/bus/pci/drivers/igb/0000:*/sriov_numvfs');
    expect(numVfs.trim().split('\n')).toEqual(['2', '2']);

    expect(await up.stop('SIGTERM', 60_000)).toBe(0);
    expect(up.stderr()).toContain('vfleet: SIGTERM: shutting down');
    expect(await qemuAlive(pid)).toBe(false);
    expect((await lab.status()).map((l) => l.name)).not.toContain(NAME);
  });
});
