import { defineConfig } from 'vitest/config';

// Unit and fixture-host tests run everywhere; the lab suite boots real
// kernels under QEMU and so runs its files one at a time.
export default defineConfig({
  test: {
    // Two files at a time, whatever the machine: vitest's default (CPUs - 1)
    // is one on CI's two cores, and most files wait on processes, sockets
    // and databases rather than compute (the suite took 55 minutes serially).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
          exclude: ['src/**/*.lab.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['src/**/*.lab.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
