import { afterEach, describe, expect, it } from 'vitest';
import { VfleetError } from '../../core/errors.js';
import { RESTORE_UNIT_PATH, SAVED_STATE_PATH } from '../../core/restore-unit.js';
import type { FixtureHost } from '../../testing/fixture-host.js';
import { realClock } from '../../testing/real-clock.js';
import { buildFixtureHost } from '../../testing/fixture-host.js';
import { createSimulatedKernelFs } from '../../testing/simulated-kernel-fs.js';
import { scanHost } from '../scan.js';
import { installBoot } from './install-boot.js';
import { restoreHostState } from './restore.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

const PF = '0000:01:00.0';
const stateText = `# two VFs for the VMs\npfs:\n  - pciAddress: ${PF}\n    numVfs: 2\n    vfDriver: vfio-pci\n    vfs:\n      - index: 0\n        vlan: 100\n`;
const paths = {
  nodePath: '/usr/bin/node',
  vfleetBin: '/opt/vfleet/bin/vfleet.js',
  source: 'state.yaml',
};

describe('installBoot', () => {
  it('saves the state verbatim and the unit, then reloads and enables it on the live host', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: PF }] });
    const report = await installBoot(stateText, host, { ...paths, liveHost: true });
    expect(report.steps.map((s) => [s.action, s.status])).toEqual([
      [`save state to ${SAVED_STATE_PATH}`, 'ok'],
      [`write ${RESTORE_UNIT_PATH}`, 'ok'],
      ['systemctl daemon-reload', 'ok'],
      ['systemctl enable vfleet-restore.service', 'ok'],
    ]);
    expect(await host.fs.readText(SAVED_STATE_PATH)).toMatch(new RegExp(`${stateText}$`));
    expect(await host.fs.readText(RESTORE_UNIT_PATH)).toContain(
      'ExecStart=/usr/bin/node /opt/vfleet/bin/vfleet.js host restore',
    );
    const cmds = (await host.commands()).filter((c) => c.command === 'systemctl');
    expect(cmds.map((c) => c.argv)).toEqual([
      ['daemon-reload'],
      ['enable', 'vfleet-restore.service'],
    ]);
  });

  it('does not run systemctl for another host root, and reports a missing systemctl', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: PF }] });
    const other = await installBoot(stateText, host, { ...paths, liveHost: false });
    expect(other.steps.slice(2).map((s) => s.status)).toEqual(['skipped', 'skipped']);
    const h = host;
    const noSystemctl = {
      fs: h.fs,
      runner: {
        run: (cmd: string, args: readonly string[]) =>
          cmd === 'systemctl'
            ? Promise.reject(new VfleetError('MISSING_DEPENDENCY', 'systemctl: not found on PATH'))
            : h.runner.run(cmd, args),
      },
    };
    const missing = await installBoot(stateText, noSystemctl, { ...paths, liveHost: true });
    expect(missing.steps[2]?.status).toBe('skipped');
    expect(missing.steps[2]?.detail).toMatch(/not found.*run it by hand/);
  });

  it('validates against the host and writes nothing when the state does not fit', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: PF }] });
    await expect(
      installBoot(stateText.replace('numVfs: 2', 'numVfs: 9'), host, { ...paths, liveHost: false }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'pfs[0].numVfs' },
    });
    expect(await host.fs.exists(SAVED_STATE_PATH)).toBe(false);
    expect(await host.fs.exists(RESTORE_UNIT_PATH)).toBe(false);
  });
});

describe('restoreHostState', () => {
  it('fails NOT_FOUND when nothing was saved', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: PF }] });
    await expect(restoreHostState({ ...host, clock: realClock })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('applies the saved state, as after a reboot (VFs gone)', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: PF }] });
    await installBoot(stateText, host, { ...paths, liveHost: false });
    const k = createSimulatedKernelFs(host);
    const report = await restoreHostState(
      { fs: k.fs, runner: host.runner, clock: realClock },
      { pollMs: 5 },
    );
    expect(report.converged).toBe(true);
    const vfs = (await scanHost(host, { names: false })).pfs[0]?.vfs ?? [];
    expect(vfs.map((v) => [v.driver, v.vlan])).toEqual([
      ['vfio-pci', 100],
      ['vfio-pci', 0],
    ]);
  });
});
