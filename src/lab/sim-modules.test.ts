import { describe, expect, it } from 'vitest';
import {
  headerCompanions,
  kernelCompiler,
  kernelModuleNames,
  planSimUnits,
} from './sim-modules.js';

describe('the simulators the lab builds for its kernel', () => {
  it('are all three for Debian 6.12, which has the vDPA core but no simulator', () => {
    const have = kernelModuleNames(
      'kernel/drivers/vdpa/vdpa.ko.xz:\nkernel/drivers/vhost/vhost_iotlb.ko.xz:\nkernel/drivers/vhost/vhost_vdpa.ko.xz: kernel/drivers/vdpa/vdpa.ko.xz\n',
      'kernel/net/devlink/devlink.ko\n',
    );
    expect([...have].sort()).toEqual(['devlink', 'vdpa', 'vhost_iotlb', 'vhost_vdpa']);
    const plan = planSimUnits(have);
    expect(plan.build.map((u) => u.module)).toEqual(['netdevsim', 'vringh', 'vdpa_sim_net']);
    expect(plan.missing).toEqual([]);
  });

  it('leave out vDPA, saying why, on a kernel without its core (Debian 6.1)', () => {
    const plan = planSimUnits(new Set(['vhost_iotlb']));
    expect(plan.build.map((u) => u.module)).toEqual(['netdevsim', 'vringh']);
    expect(plan.missing).toEqual(['vdpa_sim_net: the kernel has no module vdpa to build it on']);
  });

  it('build nothing a kernel already has', () => {
    const plan = planSimUnits(
      new Set(['netdevsim', 'vringh', 'vdpa_sim_net', 'vdpa', 'vhost_iotlb']),
    );
    expect(plan.build).toEqual([]);
  });

  it('use the compiler the kernel was built with, and the headers package companions', () => {
    expect(
      kernelCompiler(
        'CONFIG_CC_VERSION_TEXT="x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0"\n',
      ),
    ).toBe('x86_64-linux-gnu-gcc-12');
    expect(kernelCompiler('# nothing\n')).toBeNull();
    expect(
      headerCompanions(
        'linux-headers-6.12.118+deb12-common (= 6.12.118-1~deb12u1), linux-kbuild-6.12.118+deb12 (= 6.12.118-1~deb12u1), linux-compiler-gcc-12-x86',
      ),
    ).toEqual(['linux-headers-6.12.118+deb12-common', 'linux-kbuild-6.12.118+deb12']);
  });
});
