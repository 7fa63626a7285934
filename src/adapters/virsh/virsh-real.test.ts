import { describe, expect, it } from 'vitest';
import { VfleetError } from '../../core/errors.js';
import { createExecRunner } from '../exec/exec-runner.js';
import { selectHypervisorDriver } from './select-driver.js';
import { createVirshDriver } from './virsh-driver.js';

/**
 * The driver against the real virsh binary on libvirt's in-process test
 * driver (test:///default: one running domain named `test`, fresh in every
 * virsh process, no daemon needed), so argv and error mapping meet the real
 * program, not only a recording.
 */
const runner = createExecRunner({ path: process.env.PATH });
const virsh = createVirshDriver(runner, { uri: 'test:///default' });

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof VfleetError) return e.code;
    throw e;
  }
}

describe('virsh on test:///default', () => {
  it('reads states, and null for an unknown domain', async () => {
    expect(await virsh.domainState('test')).toBe('running');
    expect(await virsh.domainState('nosuch')).toBeNull();
  });

  it('maps real failures to codes', async () => {
    expect(await code(virsh.start('nosuch'))).toBe('NOT_FOUND');
    expect(await code(virsh.start('test'))).toBe('CONFLICT');
    expect(await code(virsh.destroy('test'))).toBe('ok');
    expect(
      await code(
        virsh.attachDevice('test', '<interface type="bridge"><source bridge="br0"/></interface>', {
          live: true,
          config: false,
        }),
      ),
    ).toBe('UNSUPPORTED');
    expect(await code(virsh.define('<domain'))).toBe('COMMAND_FAILED');
  });

  it('selects virsh where libvirt answers, render-only where it cannot connect', async () => {
    const here = await selectHypervisorDriver(runner, { uri: 'test:///default' });
    expect([here.driver.kind, here.fallbackReason]).toEqual(['virsh', null]);
    const nowhere = await selectHypervisorDriver(runner, {
      uri: 'qemu+unix:///system?socket=/nonexistent/sock',
    });
    expect(nowhere.driver.kind).toBe('render-only');
    expect(nowhere.fallbackReason).toMatch(/libvirt: .*connect/i);
  });
});
