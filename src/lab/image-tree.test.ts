import { describe, expect, it } from 'vitest';
import { ImageTree, guestPath } from './image-tree.js';

describe('guest image tree', () => {
  it('maps /bin, /sbin, /lib and /lib64 into /usr like a merged-usr Debian', () => {
    expect(guestPath('/lib/x86_64-linux-gnu/libc.so.6')).toBe(
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
    );
    expect(guestPath('/lib64/ld-linux-x86-64.so.2')).toBe('/usr/lib64/ld-linux-x86-64.so.2');
    expect(guestPath('/sbin/ip')).toBe('/usr/sbin/ip');
    expect(guestPath('/library/x')).toBe('/library/x');
    expect(guestPath('/etc//passwd')).toBe('/etc/passwd');
  });

  it('creates parent folders and lists parents before children', () => {
    const list = new ImageTree()
      .file('/lib/modules/6.1/kernel/igb.ko', 'x')
      .file('/init', 'y')
      .list();
    const paths = list.map((e) => e.path);
    for (const dir of ['/usr', '/usr/lib', '/usr/lib/modules', '/usr/lib/modules/6.1/kernel']) {
      expect(list.find((e) => e.path === dir)?.kind).toBe('dir');
    }
    paths.forEach((p, i) => {
      const parent = p.slice(0, p.lastIndexOf('/'));
      if (parent !== '') expect(paths.indexOf(parent)).toBeLessThan(i);
    });
    expect(list.find((e) => e.path === '/lib')).toEqual({
      kind: 'symlink',
      path: '/lib',
      target: 'usr/lib',
    });
  });

  it('refuses a folder where a file already is', () => {
    expect(() => new ImageTree().file('/etc/x', 'a').dir('/etc/x')).toThrow(/already/);
  });
});
