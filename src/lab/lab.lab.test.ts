import { realpathSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import type { CliDeps } from '../cli/cli-deps.js';
import { runCli } from '../cli/run-cli.js';
import type { Lab } from './lab.js';
import { createLab } from './lab.js';
import type { LabDeps } from './lab-deps.js';
import { libvirtDomainCases } from '../testing/libvirt-domain-cases.js';

// Boots real kernels under QEMU (software emulation): needs Linux, root (or
// the tools already installed) and a built dist/ (`npm run build`).
const installDir = resolve(import.meta.dirname, '..', '..');
const clock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};
const deps: LabDeps = {
  runner: createExecRunner({ path: process.env.PATH, env: process.env }),
  cacheDir: process.env.VFLEET_CACHE_DIR ?? join(installDir, '.cache'),
  installDir,
  nodePath: realpathSync(process.execPath),
  clock,
  progress: (e) => {
    if (process.env.VFLEET_LAB_VERBOSE === '1')
      process.stderr.write(`lab: ${e.step} ${e.status} ${e.detail ?? ''}\n`);
  },
};
// Names of their own, so a developer's `default` lab is left alone.
const MAIN = `t${process.pid}`;
const NO_IOMMU = `t${process.pid}-off`;

const isQemuAlive = async (pid: number) =>
  (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')) !== '';

/** Live processes whose command line names this lab's instance folder. */
async function qemusOf(name: string): Promise<string[]> {
  const dir = join(deps.cacheDir, 'lab', 'instances', name);
  const found: string[] = [];
  for (const p of await readdir('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(`${dir}/`)) found.push(p);
  }
  return found;
}

async function sh(lab: Lab, name: string, script: string): Promise<string> {
  const r = await lab.run(['sh', '-c', script], { name, timeoutMs: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r.stdout;
}

/** `<address> <sriov_totalvfs> <numa_node>` of every PF the igb driver holds. */
const PFS =
  'for d in /sys/bus/pci/drivers/igb/0000:*; do echo "${d##*/} $(cat $d/sriov_totalvfs) $(cat $d/numa_node)"; done';

describe.skipIf(process.platform !== 'linux')('lab: real kernel, igb PFs under QEMU', () => {
  const lab = createLab(deps);
  let pid = 0;

  beforeAll(async () => {
    await lab.build();
  });
  afterAll(async () => {
    for (const name of [MAIN, NO_IOMMU]) {
      await lab.down(name).catch(() => undefined);
      await rm(join(deps.cacheDir, 'lab', `${name}-failed-serial.log`), { force: true });
    }
  });

  it('boots two PFs, one per NUMA node, with IOMMU groups', async () => {
    const up = await lab.up({ name: MAIN, pfs: 2, numa: 2, iommu: 'on' });
    pid = up.pid;
    expect(up.bootMs).toBeGreaterThan(0);
    expect(up.bootMs).toBeLessThanOrEqual(up.readyMs);
    await expect(lab.up({ name: MAIN })).rejects.toMatchObject({ code: 'CONFLICT' });
    const pfs = (await sh(lab, MAIN, PFS))
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    expect(pfs).toHaveLength(2);
    expect(pfs.map((p) => p[1])).toEqual(['7', '7']);
    expect(pfs[0]?.[2]).toBe('-1');
    expect(pfs[1]?.[2]).toBe('1');
    expect(Number(await sh(lab, MAIN, 'ls /sys/kernel/iommu_groups | wc -l'))).toBeGreaterThan(0);
    expect(await sh(lab, MAIN, 'ip -V')).toContain('iproute2');
  });

  it('runs vfleet from the shared repo and passes exit status and output through the CLI', async () => {
    const pkg = JSON.parse(await readFile(join(installDir, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect((await sh(lab, MAIN, 'vfleet --version')).trim()).toBe(pkg.version);
    let out = '';
    let err = '';
    const cli: CliDeps = {
      ...deps,
      hostFs: createNodeHostFs,
      out: (t) => (out += t),
      err: (t) => (err += t),
      interactive: false,
    };
    const code = await runCli(
      ['lab', 'run', '--name', MAIN, '--', 'sh', '-c', 'echo out; echo err >&2; exit 5'],
      cli,
    );
    expect({ code, out, err }).toEqual({ code: 5, out: 'out\n', err: 'err\n' });
  });

  it('keeps /etc/vfleet across a reboot, runs its boot hooks, and starts kernel state over', async () => {
    const token = `t-${Date.now()}`;
    const hook = '/etc/vfleet/boot.d/10-test';
    await sh(
      lab,
      MAIN,
      `ip link set eth0 up && echo 2 > /sys/class/net/eth0/device/sriov_numvfs && echo ${token} > /etc/vfleet/marker` +
        ` && mkdir -p /etc/vfleet/boot.d && printf '#!/bin/sh\\ncat /etc/vfleet/marker > /run/hook-ran\\n' > ${hook} && chmod +x ${hook}`,
    );
    expect((await sh(lab, MAIN, 'cat /sys/class/net/eth0/device/sriov_numvfs')).trim()).toBe('2');
    expect((await lab.run(['cat', '/run/hook-ran'], { name: MAIN })).exitCode).not.toBe(0);
    const r = await lab.reboot(MAIN);
    expect(r.bootMs).toBeGreaterThan(0);
    expect((await sh(lab, MAIN, 'cat /etc/vfleet/marker')).trim()).toBe(token);
    expect((await sh(lab, MAIN, 'cat /run/hook-ran')).trim()).toBe(token);
    expect((await sh(lab, MAIN, 'cat /sys/class/net/eth0/device/sriov_numvfs')).trim()).toBe('0');
  });

  // On the rebooted guest: no VFs yet, as on a fresh one.
  libvirtDomainCases(lab, MAIN);

  it('lists the lab in status, and down ends its QEMU process', async () => {
    const st = (await lab.status()).find((s) => s.name === MAIN);
    expect(st).toMatchObject({ running: true, pid, options: { pfs: 2, numa: 2, iommu: 'on' } });
    expect(await isQemuAlive(pid)).toBe(true);
    expect(await lab.down(MAIN)).toEqual({ name: MAIN, stopped: true });
    expect(await isQemuAlive(pid)).toBe(false);
    expect((await lab.status()).some((s) => s.name === MAIN)).toBe(false);
    await expect(lab.run(['true'], { name: MAIN })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stops the guest and reports the console when it is not ready in time', async () => {
    // 300 ms, and no more than 5 times that with progress (progress-deadline.ts):
    // no guest boots that fast. One that did is stopped, so the failure stays here.
    const err: unknown = await lab.up({ name: NO_IOMMU, pfs: 1, readyTimeoutMs: 300 }).then(
      async (up) => {
        await lab.down(NO_IOMMU);
        return up;
      },
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'TIMEOUT' });
    expect((err as Error).message).toContain('last serial console lines');
    expect((await lab.status()).some((s) => s.name === NO_IOMMU)).toBe(false);
    expect(await qemusOf(NO_IOMMU)).toEqual([]);
  });

  it('boots without an IOMMU when asked, and doctor then gives the exact grub edit for its CPU vendor', async () => {
    await lab.up({ name: NO_IOMMU, pfs: 1, iommu: 'off' });
    expect(await sh(lab, NO_IOMMU, 'cat /proc/cmdline')).toContain('intel_iommu=off');
    expect((await sh(lab, NO_IOMMU, 'ls /sys/kernel/iommu_groups | wc -l')).trim()).toBe('0');
    expect(
      (await sh(lab, NO_IOMMU, PFS))
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[1]),
    ).toEqual(['7']);
    // Host doctor on this guest (here, not in host-layer.lab: one guest boot less).
    const r = await lab.run(['sh', '-c', 'vfleet host doctor -o json'], {
      name: NO_IOMMU,
      timeoutMs: 60_000,
    });
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as {
      findings: { id: string; severity: string; fix?: string[] }[];
    };
    const iommu = report.findings.find((f) => f.id === 'iommu');
    expect(iommu?.severity).toBe('error');
    // QEMU's TCG CPU may call itself AMD or Intel; the fix must follow what the kernel says.
    const cpu = await sh(lab, NO_IOMMU, 'grep -m1 vendor_id /proc/cpuinfo');
    const arg = cpu.includes('AuthenticAMD') ? 'amd_iommu=on' : 'intel_iommu=on';
    expect(iommu?.fix?.join('\n')).toContain(
      `GRUB_CMDLINE_LINUX="<current arguments> ${arg} iommu=pt"`,
    );
    await lab.down(NO_IOMMU);
  });
});
