import { afterEach, describe, expect, it } from 'vitest';
import { parseHostState } from '../../core/desired-state.js';
import { computeHostPlan } from '../../core/plan/compute-plan.js';
import type { FixtureHost } from '../../testing/fixture-host.js';
import { realClock } from '../../testing/real-clock.js';
import { fixtureFromLabCapture } from '../../testing/fixture-from-capture.js';
import { scanHost } from '../scan.js';
import { applyHostState } from './apply-host-state.js';

// The capture is what a real kernel showed after the configuration below was
// made by hand (see fixtures/lab-capture/README.md): a state declaring the
// same must plan nothing, on the kernel's own output.
let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

const captured = {
  pfs: [
    {
      match: { vendor: '8086', device: '10c9', ifname: 'eth0' },
      numVfs: 4,
      vfs: [
        { index: 0, mac: 'fa:16:3e:5a:84:c7' },
        { index: 1, mac: 'fa:16:3e:00:00:01', vlan: 2401, qos: 3 },
        { index: 2, spoofchk: false, trust: true },
        { index: 3, maxTxRate: 100 },
      ],
    },
    { pciAddress: '0000:81:00.0', numVfs: 4 },
  ],
};

describe('plans against the real-kernel capture', () => {
  it('finds nothing to change when the state declares what the kernel shows', async () => {
    host = await fixtureFromLabCapture();
    const plan = computeHostPlan(parseHostState(captured), await scanHost(host, { names: false }));
    expect(plan.changes).toBe(0);
  });

  it('refuses to recreate eth0 VFs, naming each VF and the settings it would lose', async () => {
    host = await fixtureFromLabCapture();
    const state = parseHostState({ pfs: [{ pciAddress: '0000:01:00.0', numVfs: 7 }] });
    const error = await applyHostState(state, { ...host, clock: realClock }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'UNSAFE_CHANGE' });
    const message = (error as Error).message;
    expect(message).toContain(
      'vf 0 (0000:01:10.0) would be destroyed: carries settings the state does not declare for it: mac fa:16:3e:5a:84:c7',
    );
    expect(message).toContain(
      'vf 1 (0000:01:10.2) would be destroyed: carries settings the state does not declare for it: mac fa:16:3e:00:00:01, vlan 2401 qos 3',
    );
    expect(message).toContain(
      'vf 3 (0000:01:10.6) would be destroyed: carries settings the state does not declare for it: maxTxRate 100',
    );
  });

  it('reports igb refusing link state (as the real kernel did) and sets the rest', async () => {
    host = await fixtureFromLabCapture();
    const state = parseHostState({
      pfs: [
        {
          pciAddress: '0000:81:00.0',
          numVfs: 4,
          vfs: [{ range: '0-1', state: 'disable', vlan: 10 }],
        },
      ],
    });
    const report = await applyHostState(state, { ...host, clock: realClock });
    expect(report.steps.map((s) => [s.vf, s.target, s.status])).toEqual([
      [0, 'vlan', 'ok'],
      [0, 'state', 'unsupported'],
      [1, 'vlan', 'ok'],
      [1, 'state', 'unsupported'],
    ]);
    expect(report.remainingChanges).toBe(2);
  });
});
