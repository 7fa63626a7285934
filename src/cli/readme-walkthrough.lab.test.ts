import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoDir, spawnVfleet, vfleetBin, type VfleetProcess } from '../testing/built-cli.js';
import { buildFixtureHost, type FixtureHost } from '../testing/fixture-host.js';
import { guestOk, newLab } from '../testing/lab-kit.js';
import {
  firstUnmet,
  parseWalkthrough,
  type WalkthroughStep,
} from '../testing/readme-walkthrough.js';

// The README's walkthrough, run as written (src/testing/readme-walkthrough.ts
// says how its promises read) against `vfleet up --lab --lab-hosts 2`, the
// built binary in a child process. Two things differ from a user's machine,
// both so the test leaves the machine alone: VFLEET_DATA_DIR points at a
// temporary directory (so `/var/lib/vfleet` in a command means that
// directory), and this machine's own agent reads a fixture host without PFs.
// It is also the lab's proof of `vfleet up --lab` itself: each guest's QEMU
// runs while up does, its kernel made the README's VFs, and a SIGTERM to up
// ends every guest.
const STEP_TIMEOUT_MS = 600_000;
const lab = newLab();
const LABS = ['vfleet-up', 'vfleet-up-2'];
const qemuAlive = async (pid: number) =>
  (await readFile(`/proc/${String(pid)}/cmdline`, 'utf8').catch(() => '')).includes('vfleet-lab');
let dir = '';
let data = '';
let local: FixtureHost | undefined;
let up: VfleetProcess | undefined;
let env: Record<string, string> = {};

interface Ran {
  readonly code: number;
  readonly output: string;
}

function runStep(step: WalkthroughStep): Promise<Ran> {
  const command = step.command.replaceAll('/var/lib/vfleet', data);
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `{\n${command}\n} 2>&1`],
      { env: { ...process.env, ...env }, timeout: STEP_TIMEOUT_MS, maxBuffer: 16 << 20 },
      (e, stdout) => {
        const code = e === null ? 0 : typeof e.code === 'number' ? e.code : -1;
        resolve({ code, output: stdout });
      },
    );
  });
}

describe('the README walkthrough', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vfleet-readme-'));
    data = join(dir, 'data');
    const bin = join(dir, 'bin');
    await mkdir(bin);
    // `vfleet` on PATH is this checkout's build, whatever /usr/local/bin holds.
    await writeFile(
      join(bin, 'vfleet'),
      `#!/bin/sh\nexec '${process.execPath}' '${vfleetBin}' "$@"\n`,
    );
    await chmod(join(bin, 'vfleet'), 0o755);
    env = {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      VFLEET_DATA_DIR: data,
      VFLEET_URL: '',
      VFLEET_TOKEN: '',
    };
    local = await buildFixtureHost({ hostname: 'this-host', pfs: [] });
  });
  afterAll(async () => {
    await up?.stop('SIGKILL');
    // A killed `vfleet up` cannot stop its guests: a failed run must not leave them to the next.
    for (const name of LABS) await lab.down(name).catch(() => undefined);
    await local?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs every step of the README as written, each printing what the README promises', async () => {
    const steps = parseWalkthrough(await readFile(join(repoDir, 'README.md'), 'utf8'));
    expect(steps.length).toBeGreaterThan(10);
    up = spawnVfleet(
      [
        'up',
        '--lab',
        '--lab-hosts',
        '2',
        '--listen',
        '127.0.0.1:0',
        '--host-root',
        local?.root ?? '',
      ],
      env,
    );
    const pids: number[] = [];
    for (const name of LABS) {
      const at = new RegExp(`lab: ${name} is up: QEMU pid (\\d+)`);
      pids.push(Number((await up.waitFor(at, 900_000))[1]));
    }
    for (const name of LABS)
      await up.waitFor(new RegExp(`agent: lab host lab-${name} joined`), 900_000);
    for (const pid of pids) expect(await qemuAlive(pid)).toBe(true);

    for (const step of steps) {
      const ran = await runStep(step);
      const unmet = firstUnmet(step.expected, ran.output);
      const where = `README line ${step.line}: $ ${step.command}`;
      if (ran.code !== step.exitCode || unmet !== null) {
        const why =
          unmet === null
            ? `exit ${ran.code}, the README promises ${step.exitCode}`
            : `the README promises a line "${unmet}" that is not in the output`;
        throw new Error(
          `${where}\n${why}\n--- output ---\n${ran.output}\n--- vfleet up (tail) ---\n${up.stdout().slice(-3000)}\n${up.stderr().slice(-3000)}`,
        );
      }
    }

    // The README's spec (4 VFs on every igb PF) is in each guest's kernel, not only in the controller.
    for (const name of LABS) {
      const numVfs = await guestOk(lab, name, 'cat /sys/bus/pci/drivers/igb/0000:*/sriov_numvfs');
      expect(
        numVfs
          .trim()
          .split('\n')
          .every((n) => n === '4'),
      ).toBe(true);
    }

    expect(await up.stop('SIGTERM', 120_000)).toBe(0);
    expect(up.stderr()).toContain('vfleet: SIGTERM: shutting down');
    for (const pid of pids) expect(await qemuAlive(pid)).toBe(false);
    const left = (await lab.status()).map((l) => l.name);
    expect(left.filter((n) => LABS.includes(n))).toEqual([]);
  });
});
