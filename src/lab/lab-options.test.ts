import { describe, expect, it } from 'vitest';
import { parseLabName, parseUpOptions } from './lab-options.js';

const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('lab up options', () => {
  it('has defaults for everything', () => {
    expect(parseUpOptions(undefined)).toEqual({
      name: 'default',
      pfs: 2,
      numa: 1,
      iommu: 'on',
      memory: 1024,
      libvirt: false,
      kernel: 'stock',
    });
  });

  it('takes the strings a command line gives', () => {
    expect(
      parseUpOptions({
        pfs: '3',
        numa: '2',
        iommu: 'off',
        memory: '2048',
        vfsMax: '7',
        name: 'ci-1',
        libvirt: 'true',
        kernel: 'vdpa',
      }),
    ).toEqual({
      name: 'ci-1',
      pfs: 3,
      numa: 2,
      iommu: 'off',
      memory: 2048,
      vfsMax: 7,
      libvirt: true,
      kernel: 'vdpa',
    });
    expect(parseUpOptions({ libvirt: 'false' }).libvirt).toBe(false);
    expect(parseUpOptions({ libvirt: true }).libvirt).toBe(true);
  });

  it.each([
    [{ numa: '3' }, 'numa'],
    [{ pfs: '0' }, 'pfs'],
    [{ pfs: '1.5' }, 'pfs'],
    [{ vfsMax: '8' }, 'vfsMax'],
    [{ iommu: 'yes' }, 'iommu'],
    [{ memory: '64' }, 'memory'],
    [{ libvirt: 'yes' }, 'libvirt'],
    [{ name: '../x' }, 'name'],
    [{ forward: { host: '10.0.0.1', port: 80 } }, 'forward.host'],
    [{ forward: { host: '0.0.0.0', port: 80 } }, 'forward.host'],
    [{ forward: { host: '127.0.0.1', port: 0 } }, 'forward.port'],
  ])('rejects %j with INVALID_INPUT naming the field', (input, field) => {
    expect(errorOf(() => parseUpOptions(input))).toMatchObject({
      code: 'INVALID_INPUT',
      details: { field },
    });
  });

  it('forwards only to a loopback port', () => {
    expect(parseUpOptions({ forward: { host: '::1', port: '8080' } }).forward).toEqual({
      host: '::1',
      port: 8080,
    });
  });

  it('checks lab names the same way everywhere', () => {
    expect(parseLabName(undefined)).toBe('default');
    expect(errorOf(() => parseLabName('Default'))).toMatchObject({ code: 'INVALID_INPUT' });
  });
});
