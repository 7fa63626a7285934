import { defineConfig } from 'vitest/config';

// Unit and fixture-host tests run everywhere; the lab suite boots real
// kernels under QEMU and so runs alone, without file parallelism. `npm test`
// runs the two projects side by side (scripts/test-suites.mjs).
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
