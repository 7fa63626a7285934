import { describe, expect, it } from 'vitest';
import { VfleetError } from '../../core/errors.js';
import type { HostFs } from '../../core/ports.js';
import { scanVfioHolders } from './vfio-holders.js';

/** /proc as a map: dirs list entries, links point somewhere, `denied` dirs throw like EACCES. */
function procFs(
  links: Record<string, string>,
  comm: Record<string, string>,
  denied: string[],
): HostFs {
  const dirs = new Map<string, Set<string>>();
  for (const p of Object.keys(links)) {
    const parts = p.split('/');
    for (let i = 2; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const set = dirs.get(dir) ?? new Set<string>();
      set.add(parts[i] ?? '');
      dirs.set(dir, set);
    }
  }
  const proc = dirs.get('/proc') ?? new Set<string>();
  for (const pid of denied) proc.add(pid);
  dirs.set('/proc', proc);
  const unused = () => Promise.reject(new Error('not used'));
  return {
    readText: (p) => Promise.resolve(comm[p] ?? null),
    listDir: (p) => {
      if (denied.some((pid) => p === `/proc/${pid}/fd`)) {
        return Promise.reject(new VfleetError('HOST_READ_FAILED', `cannot read ${p}: EACCES`));
      }
      const d = dirs.get(p);
      return Promise.resolve(d === undefined ? null : [...d].sort());
    },
    readLink: (p) => Promise.resolve(links[p] ?? null),
    exists: () => Promise.resolve(true),
    writeText: unused,
    writeFileAtomic: unused,
  };
}

describe('scanVfioHolders', () => {
  it('finds processes holding /dev/vfio/<group> and counts those it cannot read', async () => {
    const fs = procFs(
      {
        '/proc/10/fd/0': '/dev/null',
        '/proc/10/fd/31': '/dev/vfio/vfio',
        '/proc/10/fd/32': '/dev/vfio/27',
        '/proc/11/fd/3': 'socket:[1234]',
        '/proc/self/fd/0': '/dev/vfio/99',
      },
      { '/proc/10/comm': 'qemu-system-x86\n' },
      ['12'],
    );
    expect(await scanVfioHolders(fs)).toEqual({
      vfioHolders: [{ group: 27, pid: 10, command: 'qemu-system-x86' }],
      uninspectedProcesses: 1,
    });
  });
});
