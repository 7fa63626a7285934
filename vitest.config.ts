import { defineConfig } from 'vitest/config';

// Unit and fixture-host tests run everywhere; the lab suite boots real
// kernels under QEMU. `npm test` runs them one project after the other
// (package.json): the unit files two at a time (most wait on PostgreSQL,
// child processes or a browser), then the lab files one at a time. Worker
// counts are run-wide in vitest, not per project, hence two runs: with a lab
// file beside unit files, a two-guest nested migration (instance-migrate.lab)
// ran past its 10 minutes on two cores.
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
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
