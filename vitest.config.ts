import { defineConfig } from 'vitest/config';

// Unit and fixture-host tests run everywhere; the lab suite boots real
// kernels under QEMU and so runs alone, without file parallelism. On CI's two
// cores vitest runs one file at a time: with the lab beside the unit files,
// a two-guest nested migration (instance-migrate.lab) ran past 10 minutes.
export default defineConfig({
  test: {
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
