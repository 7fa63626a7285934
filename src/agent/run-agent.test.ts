import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredState, DesiredVf } from '../core/fleet/desired-host-state.js';
import type { ApplyReport } from '../core/plan/apply-report.js';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { basicCatalog } from '../testing/fleet-sim.js';
import { inventory, pf, vf } from '../testing/inventory-builders.js';
import { createAgentClient } from './agent-client.js';
import { runAgent } from './run-agent.js';

const PF = '0000:3b:00.0';

/** A host whose kernel does exactly what it is told, and can be made to refuse one VF's settings. */
function fakeHost() {
  const host = {
    numVfs: 0,
    vfs: new Map<number, DesiredVf>(),
    refuse: new Set<number>(),
    applies: 0,
  };
  const scan = () =>
    Promise.resolve(
      inventory([
        pf(PF, {
          numaNode: 0,
          vfs: Array.from({ length: host.numVfs }, (_, i) => {
            const s = host.vfs.get(i);
            return vf(
              PF,
              i,
              s
                ? {
                    mac: s.mac ?? null,
                    vlan: s.vlan ?? 0,
                    spoofchk: s.spoofchk ?? null,
                    trust: s.trust,
                  }
                : {},
            );
          }),
        }),
      ]),
    );
  const apply = (state: DesiredState): Promise<ApplyReport> => {
    host.applies++;
    const failed: number[] = [];
    for (const p of state.pfs) {
      host.numVfs = p.numVfs;
      for (const v of p.vfs) {
        if (host.refuse.has(v.index)) failed.push(v.index);
        else host.vfs.set(v.index, v);
      }
    }
    const vfAddr = (i: number) => vf(PF, i).pciAddress;
    return Promise.resolve({
      plan: {
        pfs: [
          {
            entry: 0,
            pciAddress: PF,
            ifname: 'eth0',
            driver: 'igb',
            link: null,
            numVfs: null,
            vfDriver: null,
            eswitch: null,
            tcOffload: null,
            vfs: failed.map((i) => ({
              index: i,
              pciAddress: vfAddr(i),
              isNew: false,
              driver: null,
              vdpa: null,
              attrs: [],
            })),
            notes: [],
            changes: 1,
          },
        ],
        vdpa: [],
        devices: [],
        changes: 1,
      },
      steps: failed.map((i) => ({
        pf: PF,
        vf: i,
        target: 'mac',
        action: 'mac',
        status: 'failed' as const,
        detail: 'RTNETLINK answers: Operation not permitted',
      })),
      remainingChanges: failed.length,
      converged: failed.length === 0,
      forced: [],
      loadedDrivers: [],
    });
  };
  return { host, scan, apply };
}

async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('vfleet agent against the controller', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('pglite');
    await basicCatalog(h, 2);
  }, 60_000);
  afterAll(() => h.close());

  it('applies the declared state, then each port config, then the reset on release', async () => {
    const sim = fakeHost();
    const token = await h.token('agent', { host: 'sim1' });
    const client = createAgentClient('http://controller', token, 'sim1', (url, init) =>
      Promise.resolve(h.app.request(url, init)),
    );
    const stop = new AbortController();
    const lines: string[] = [];
    const running = runAgent(
      {
        client,
        labels: { rack: 'r1' },
        scan: sim.scan,
        doctor: () => Promise.resolve([]),
        apply: sim.apply,
        clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
        log: (l) => lines.push(l),
        rescanMs: 50,
        heartbeatMs: 60_000,
        longPollSeconds: 2,
      },
      stop.signal,
    );
    h.clock = Date.now();
    try {
      const host = async () =>
        (await h.call('GET', '/v1/hosts/sim1', h.admin)).body as {
          ready: boolean;
          labels: unknown;
          pfs: { vfs: { state: string; dirty: boolean; pciAddress: string }[] }[];
        };
      await until('the host to be ready with 2 VFs', async () => {
        const d = await host();
        return d.ready && d.pfs[0]?.vfs.length === 2;
      });
      expect(sim.host.numVfs).toBe(2);
      expect((await host()).labels).toEqual({ rack: 'r1' });

      const r = await h.call('POST', '/v1/instances', h.admin, {
        name: 'vm',
        vcpus: 1,
        memoryMb: 1,
        tenant: 'acme',
        ports: [{ network: 'blue', mac: 'fa:16:3e:01:02:03' }],
      });
      expect(r.status).toBe(201);
      await until('the port config on the VF', () =>
        Promise.resolve(sim.host.vfs.get(0)?.mac === 'fa:16:3e:01:02:03'),
      );
      expect(sim.host.vfs.get(0)).toMatchObject({ vlan: 100, spoofchk: true, trust: false });
      await until(
        'the instance to be bound',
        async () =>
          (await h.call('GET', `/v1/instances/${String(r.body.id)}`, h.admin)).body.state ===
          'active',
      );

      // The reset of VF 0 fails: it is quarantined, not offered again.
      sim.host.refuse.add(0);
      expect((await h.call('DELETE', `/v1/instances/${String(r.body.id)}`, h.admin)).status).toBe(
        204,
      );
      await until(
        'the failed reset to quarantine the VF',
        async () => (await host()).pfs[0]?.vfs[0]?.state === 'quarantined',
      );
      expect(sim.host.vfs.get(0)?.mac).toBe('fa:16:3e:01:02:03');
    } finally {
      stop.abort();
      await running;
    }
    expect(lines.filter((l) => !l.includes('abort'))).toEqual([]);
  }, 30_000);
});
