import { describe, expect, it } from 'vitest';
import { libvirtLine } from './host-map-render.js';

describe('the libvirt line of `vfleet hosts show`', () => {
  it('says whether domains run under KVM or emulation, and where migrations arrive', () => {
    const virsh = { kind: 'virsh', migrationUri: null, reason: null } as const;
    expect(libvirtLine({ ...virsh, virtType: 'kvm' })).toBe('virsh, kvm domains');
    expect(
      libvirtLine({ ...virsh, virtType: 'qemu', migrationUri: 'qemu+tcp://10.0.0.2/system' }),
    ).toBe(
      'virsh, qemu domains (software emulation: no KVM on this host); migrations arrive at qemu+tcp://10.0.0.2/system',
    );
    expect(libvirtLine({ ...virsh, virtType: null })).toBe(
      'virsh, domain type unknown (kvm assumed)',
    );
  });

  it('gives a render-only host its reason, and nothing before the agent said', () => {
    expect(
      libvirtLine({ kind: 'render-only', virtType: null, migrationUri: null, reason: 'no virsh' }),
    ).toBe('render-only (no VM runs): no virsh');
    expect(libvirtLine(null)).toBeNull();
    expect(libvirtLine(undefined)).toBeNull();
  });
});
