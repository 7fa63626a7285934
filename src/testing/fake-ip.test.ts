import { afterEach, describe, expect, it } from 'vitest';
import { scanHost } from '../host/scan.js';
import type { FixtureHost } from './fixture-host.js';
import { buildFixtureHost } from './fixture-host.js';
import { addVfTraffic } from './fake-ip-state.js';
import { parseVfStatsJson } from '../adapters/iproute2/vf-stats-json.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

describe('fake ip', () => {
  it('prints VF counters only with -s, as a test moved them', async () => {
    const h = await buildFixtureHost({
      pfs: [{ pciAddress: '0000:01:00.0', ifname: 'eth0', vfs: 2 }],
    });
    host = h;
    const stats = async (...opts: string[]) =>
      parseVfStatsJson((await h.runner.run('ip', [...opts, '-j', 'link', 'show'])).stdout);
    expect((await stats()).size).toBe(0);
    expect((await stats('-s')).get('eth0')?.map((v) => v.rxBytes)).toEqual([0, 0]);
    await addVfTraffic(host.ipStatePath, 'eth0', 1, { rx: { bytes: 1500, packets: 1 } });
    await addVfTraffic(host.ipStatePath, 'eth0', 1, { rx: { bytes: 64 }, tx: { dropped: 2 } });
    const vf1 = (await stats('-s')).get('eth0')?.[1];
    expect([vf1?.rxBytes, vf1?.rxPackets, vf1?.txDropped, vf1?.txBytes]).toEqual([1564, 1, 2, 0]);
    // -d without -s (the scan's call) still parses as before, no counters in it.
    expect((await host.runner.run('ip', ['-j', '-d', 'link', 'show'])).stdout).not.toContain(
      'tx_bytes',
    );
  });

  it('applies vf settings so a re-scan reads them back, and records argv', async () => {
    host = await buildFixtureHost({
      pfs: [{ pciAddress: '0000:01:00.0', ifname: 'eth0', vfs: 2 }],
    });
    const r = await host.runner.run('ip', [
      'link',
      'set',
      'dev',
      'eth0',
      'vf',
      '1',
      'vlan',
      '2401',
      'qos',
      '3',
    ]);
    expect(r.exitCode).toBe(0);
    const vf = (await scanHost(host)).pfs[0]?.vfs[1];
    expect([vf?.vlan, vf?.qos]).toEqual([2401, 3]);
    expect(await host.commands()).toContainEqual({
      command: 'ip',
      argv: ['link', 'set', 'dev', 'eth0', 'vf', '1', 'vlan', '2401', 'qos', '3'],
    });
  });

  it('with -force -batch reports the failing line number and goes on', async () => {
    host = await buildFixtureHost({
      pfs: [{ pciAddress: '0000:01:00.0', ifname: 'eth0', vfs: 2, unsupported: ['state'] }],
    });
    const input = [
      'link set dev eth0 vf 0 state disable',
      'link set dev eth0 vf 1 trust on',
      '',
    ].join('\n');
    const r = await host.runner.run('ip', ['-force', '-batch', '-'], { input });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('RTNETLINK answers: Operation not supported\nCommand failed -:1\n');
    const vfs = (await scanHost(host)).pfs[0]?.vfs ?? [];
    expect([vfs[0]?.linkState, vfs[1]?.trust]).toEqual(['auto', true]);
  });

  it('without -force stops at the first failing line', async () => {
    host = await buildFixtureHost({
      pfs: [{ pciAddress: '0000:01:00.0', ifname: 'eth0', vfs: 2 }],
    });
    const input = 'link set dev eth0 vf 5 trust on\nlink set dev eth0 vf 1 trust on\n';
    const r = await host.runner.run('ip', ['-batch', '-'], { input });
    expect(r.exitCode).toBe(1);
    expect((await scanHost(host)).pfs[0]?.vfs[1]?.trust).toBe(false);
  });
});
