import { describe, expect, it } from 'vitest';
import { parseLdd } from './ldd.js';
import { releaseFromDepends } from './kernel-package.js';

const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};

// As printed on Debian 12 for /usr/sbin/ip.
const IP_LDD = `	linux-vdso.so.1 (0x00007f3b95484000)
	libbpf.so.1 => /lib/x86_64-linux-gnu/libbpf.so.1 (0x00007f3b95324000)
	libmnl.so.0 => /lib/x86_64-linux-gnu/libmnl.so.0 (0x00007f3b95301000)
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f3b950fb000)
	/lib64/ld-linux-x86-64.so.2 (0x00007f3b95486000)
`;

describe('parseLdd', () => {
  it('lists every library file and the loader, not the vDSO', () => {
    expect(parseLdd(IP_LDD)).toEqual([
      '/lib/x86_64-linux-gnu/libbpf.so.1',
      '/lib/x86_64-linux-gnu/libmnl.so.0',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('fails with MISSING_DEPENDENCY when a library is not found', () => {
    expect(errorOf(() => parseLdd('\tlibfoo.so.1 => not found\n'))).toMatchObject({
      code: 'MISSING_DEPENDENCY',
    });
  });
});

describe('releaseFromDepends', () => {
  it('reads the kernel release the linux-image-amd64 metapackage points at', () => {
    const text = 'linux-image-amd64\n  Depends: linux-image-6.1.0-56-amd64\n';
    expect(releaseFromDepends(text)).toBe('6.1.0-56-amd64');
  });

  it('gives null when apt lists no such dependency', () => {
    expect(releaseFromDepends('linux-image-amd64\n')).toBeNull();
    expect(releaseFromDepends('  Depends: linux-image-6.1.0-56-amd64-dbg\n')).toBeNull();
  });
});
