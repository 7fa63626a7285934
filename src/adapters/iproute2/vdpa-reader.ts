import type { VdpaDeviceFacts, VdpaMgmtdevFacts } from '../../core/host-facts.js';
import type { CommandRunner, HostFs } from '../../core/ports.js';
import { VfleetError } from '../../core/errors.js';
import { SysfsValues } from '../sysfs/sysfs-values.js';
import { parseVdpaConfigs, parseVdpaDevices, parseVdpaMgmtdevs } from './vdpa-json.js';

const VDPA_BUS = '/sys/bus/vdpa';

export interface VdpaFacts {
  readonly mgmtdevs: VdpaMgmtdevFacts[];
  readonly devices: VdpaDeviceFacts[];
  readonly warnings: string[];
}

const NONE: VdpaFacts = { mgmtdevs: [], devices: [], warnings: [] };

/**
 * vDPA management devices and devices. Nothing runs unless the vDPA bus
 * exists (the `vdpa` module is loaded, which any vDPA driver pulls in): most
 * hosts have none, and the agent scans often. The bus driver and the
 * `/dev/vhost-vdpa-N` a device got come from sysfs, which `vdpa` does not print.
 */
export async function readVdpa(fs: HostFs, runner: CommandRunner): Promise<VdpaFacts> {
  if (!(await fs.exists(VDPA_BUS))) return NONE;
  const run = async (args: string[]) => {
    const r = await runner.run('vdpa', ['-j', ...args], { timeoutMs: 30_000 });
    if (r.exitCode !== 0) {
      throw new VfleetError(
        'COMMAND_FAILED',
        `vdpa -j ${args.join(' ')} failed: ${r.stderr.trim()}`,
        {
          command: 'vdpa',
          exitCode: r.exitCode,
        },
      );
    }
    return r.stdout;
  };
  let mgmt: string, devs: string, configs: string;
  try {
    mgmt = await run(['mgmtdev', 'show']);
    devs = await run(['dev', 'show']);
    configs = await run(['dev', 'config', 'show']);
  } catch (e) {
    if (e instanceof VfleetError && e.code === 'MISSING_DEPENDENCY') {
      return {
        ...NONE,
        warnings: ['vdpa: not found on PATH (iproute2 >= 5.11): vDPA devices not read'],
      };
    }
    throw e;
  }
  const config = parseVdpaConfigs(configs);
  const sysfs = new SysfsValues(fs);
  const devices = await Promise.all(
    parseVdpaDevices(devs).map(async (d): Promise<VdpaDeviceFacts> => {
      const dir = `${VDPA_BUS}/devices/${d.name}`;
      const [driver, entries] = await Promise.all([
        sysfs.linkName(`${dir}/driver`),
        fs.listDir(dir),
      ]);
      const chr = (entries ?? []).find((e) => /^vhost-vdpa-\d+$/.test(e));
      return {
        ...d,
        mac: config.get(d.name)?.mac ?? null,
        mtu: config.get(d.name)?.mtu ?? null,
        driver,
        charDev: chr === undefined ? null : `/dev/${chr}`,
      };
    }),
  );
  return { mgmtdevs: parseVdpaMgmtdevs(mgmt), devices, warnings: [] };
}
