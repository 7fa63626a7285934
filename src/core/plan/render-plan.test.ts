import { describe, expect, it } from 'vitest';
import { parseHostState } from '../desired-state.js';
import { inventory, pf, vf } from '../../testing/inventory-builders.js';
import { computeHostPlan } from './compute-plan.js';
import { renderPlan } from './render-plan.js';

const PF = '0000:01:00.0';

describe('renderPlan', () => {
  it('reads like a diff: per PF, then per VF, one change a line', () => {
    const inv = inventory([pf(PF, { adminUp: false, vfs: [vf(PF, 0), vf(PF, 1)] })]);
    const state = parseHostState({
      pfs: [
        {
          pciAddress: PF,
          numVfs: 2,
          vfDriver: 'vfio-pci',
          vfs: [{ index: 1, mac: 'fa:16:3e:00:00:01', vlan: 100, qos: 3, spoofchk: false }],
        },
      ],
    });
    expect(renderPlan(computeHostPlan(state, inv))).toBe(
      [
        '0000:01:00.0 (eth0, igb): 6 change(s)',
        '  link down -> up',
        '  vf 0 (0000:01:10.0)',
        '    driver igbvf -> vfio-pci',
        '  vf 1 (0000:01:10.2)',
        '    driver igbvf -> vfio-pci',
        '    mac 00:00:00:00:00:00 -> fa:16:3e:00:00:01',
        '    vlan 0 -> 100 qos 3',
        '    spoofchk on -> off',
        'Plan: 6 change(s) on 1 of 1 PF(s).',
        '',
      ].join('\n'),
    );
  });

  it('shows new VFs with predicted addresses and a count change', () => {
    const text = renderPlan(
      computeHostPlan(
        parseHostState({ pfs: [{ pciAddress: PF, numVfs: 1, vfs: [{ index: 0, trust: true }] }] }),
        inventory([pf(PF)]),
      ),
    );
    expect(text).toContain('  numVfs 0 -> 1\n  vf 0 (0000:01:10.0, new)\n    trust ? -> on\n');
  });

  it('says "no changes" when converged', () => {
    const text = renderPlan(
      computeHostPlan(
        parseHostState({ pfs: [{ pciAddress: PF, numVfs: 0 }] }),
        inventory([pf(PF)]),
      ),
    );
    expect(text).toBe(
      '0000:01:00.0 (eth0, igb): no changes\nNo changes: the host matches the state.\n',
    );
  });
});
