import type { DatapathPath } from './datapath-report.js';
import type { VmPathSource } from './vm-path-plan.js';

/** Every VM path with plausible ends on one PF (eth0): the plan's and the domain's tests share them. */
export const EVERY_VM_PATH: readonly {
  readonly path: DatapathPath;
  readonly source: VmPathSource;
}[] = [
  {
    path: 'vf',
    source: {
      kind: 'vf',
      pf: 'eth0',
      vmVfs: ['0000:03:10.4', '0000:03:10.6'],
      sender: 'eth2',
      receiver: 'eth3',
    },
  },
  { path: 'macvtap', source: { kind: 'macvtap', pf: 'eth0' } },
  { path: 'vhost', source: { kind: 'tap', model: 'virtio', vhost: true } },
  { path: 'virtio', source: { kind: 'tap', model: 'virtio', vhost: false } },
  { path: 'e1000', source: { kind: 'tap', model: 'e1000', vhost: false } },
  {
    path: 'vdpa',
    source: {
      kind: 'vdpa',
      pf: 'eth0',
      vm: [
        { charDev: '/dev/vhost-vdpa-0', mac: '00:11:22:33:44:00', representor: 'eth0_0' },
        { charDev: '/dev/vhost-vdpa-1', mac: '00:11:22:33:44:01', representor: 'eth0_1' },
      ],
    },
  },
];
