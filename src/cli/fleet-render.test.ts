import { describe, expect, it } from 'vitest';
import { instanceDetail } from './fleet-render.js';
import type { InstanceView, VmView } from '../api/answers.js';

const instance = (vm: VmView): InstanceView => ({
  id: '0f0e0d0c-0000-4000-8000-000000000001',
  name: 'web',
  tenant: 'acme',
  host: 'lab-a',
  state: 'active',
  vcpus: 1,
  memoryMb: 512,
  numaPolicy: 'preferred',
  numaNode: null,
  hostLabels: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  ports: [],
  vm,
});
const vmState = (vm: VmView) => /vm state\s+(.*)/.exec(instanceDetail(instance(vm)))?.[1];
const base = {
  domain: 'web-0f0e0d0c',
  desired: 'running',
  message: null,
  stateNote: null,
  domainPolicy: 'tenant',
} as const;

describe('instance show: the domain state', () => {
  it('says a render-only domain is rendered, never running', () => {
    expect(vmState({ ...base, state: 'rendered', hypervisor: 'render-only' })).toBe(
      'rendered (render-only host: the domain is defined, no VM runs)',
    );
  });

  it('shows a libvirt domain as libvirt reports it', () => {
    expect(vmState({ ...base, state: 'running', hypervisor: 'virsh' })).toBe('running');
  });

  it('names render-only for other states, and deleting with the state', () => {
    expect(vmState({ ...base, state: 'failed', hypervisor: 'render-only' })).toBe(
      'failed (render-only: no libvirt)',
    );
    expect(
      vmState({ ...base, desired: 'absent', state: 'rendered', hypervisor: 'render-only' }),
    ).toBe('deleting (rendered; render-only host: the domain is defined, no VM runs)');
  });
});
