import { describe, expect, it } from 'vitest';
import type { HostFs } from '../core/ports.js';
import { readHostTopology } from './host-topology.js';

const fsOf = (files: Record<string, string>): HostFs => ({
  readText: (p) => Promise.resolve(files[p] ?? null),
  listDir: (p) => {
    const names = Object.keys(files)
      .filter((f) => f.startsWith(`${p}/`))
      .map((f) => f.slice(p.length + 1).split('/')[0] ?? '');
    return Promise.resolve(names.length ? [...new Set(names)] : null);
  },
  readLink: () => Promise.resolve(null),
  exists: (p) => Promise.resolve(p in files),
  writeText: () => Promise.reject(new Error('read only')),
  writeFileAtomic: () => Promise.reject(new Error('read only')),
});

describe('readHostTopology', () => {
  it('counts CPUs per node, finds sockets, reads total memory', async () => {
    const t = await readHostTopology(
      fsOf({
        '/sys/devices/system/node/node1/cpulist': '8-15,24-31\n',
        '/sys/devices/system/node/node0/cpulist': '0-7,16-23\n',
        '/sys/devices/system/node/possible': '0-1\n',
        '/sys/devices/system/cpu/cpu0/topology/physical_package_id': '0\n',
        '/sys/devices/system/cpu/cpu8/topology/physical_package_id': '1\n',
        '/proc/meminfo': 'MemTotal:       65843012 kB\nMemFree: 1 kB\n',
      }),
    );
    expect(t).toEqual({
      numaNodes: [
        {
          node: 0,
          socket: 0,
          cpus: 16,
          cpuList: [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23],
        },
        {
          node: 1,
          socket: 1,
          cpus: 16,
          cpuList: [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31],
        },
      ],
      memoryMb: 64299,
    });
  });

  it("reads each node's pages of the default hugepage size, and leaves out a node with none", async () => {
    const node = (n: number) => `/sys/devices/system/node/node${n}`;
    const t = await readHostTopology(
      fsOf({
        [`${node(0)}/cpulist`]: '0-1\n',
        [`${node(1)}/cpulist`]: '2-3\n',
        [`${node(0)}/hugepages/hugepages-2048kB/nr_hugepages`]: '1024\n',
        [`${node(0)}/hugepages/hugepages-2048kB/free_hugepages`]: '1000\n',
        // Another size than the default: not what a bare <hugepages/> takes.
        [`${node(0)}/hugepages/hugepages-1048576kB/nr_hugepages`]: '4\n',
        [`${node(0)}/hugepages/hugepages-1048576kB/free_hugepages`]: '4\n',
        [`${node(1)}/hugepages/hugepages-2048kB/nr_hugepages`]: '0\n',
        [`${node(1)}/hugepages/hugepages-2048kB/free_hugepages`]: '0\n',
        '/proc/meminfo': 'MemTotal: 8388608 kB\nHugepagesize:       2048 kB\n',
      }),
    );
    expect(t.numaNodes.map((n) => n.hugepages)).toEqual([
      { sizeKb: 2048, total: 1024, free: 1000 },
      undefined,
    ]);
    expect('hugepages' in (t.numaNodes[1] ?? {})).toBe(false);
  });

  it('reports nothing it cannot read', async () => {
    expect(await readHostTopology(fsOf({}))).toEqual({ numaNodes: [], memoryMb: null });
  });
});
