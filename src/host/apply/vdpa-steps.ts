import type { PfPlan, VfPlan } from '../../core/plan/plan-types.js';
import { describeVdpaChange } from '../../core/plan/render-plan.js';
import type { CommandRunner, HostFs } from '../../core/ports.js';
import { VHOST_VDPA } from '../../core/vocabulary.js';
import { errorText, type StepLog } from './step-log.js';

const VDPA = '/sys/bus/vdpa';

async function run(runner: CommandRunner, cmd: string, args: string[]): Promise<void> {
  const r = await runner.run(cmd, args);
  if (r.exitCode !== 0)
    throw new Error(r.stderr.trim() || `${cmd} ${args.join(' ')} exited with status ${r.exitCode}`);
}

const boundTo = async (fs: HostFs, name: string) =>
  (await fs.readLink(`${VDPA}/devices/${name}/driver`))?.split('/').pop() ?? null;

/**
 * Hands a vDPA device to vhost_vdpa (which makes `/dev/vhost-vdpa-N`): set
 * `driver_override`, take it from the driver that probed it first (virtio_vdpa
 * makes a host netdev of it instead), and bind.
 */
async function bindVhost(fs: HostFs, name: string): Promise<string | null> {
  await fs.writeText(`${VDPA}/devices/${name}/driver_override`, VHOST_VDPA);
  const now = await boundTo(fs, name);
  if (now === VHOST_VDPA) return now;
  if (now !== null) await fs.writeText(`${VDPA}/drivers/${now}/unbind`, name);
  await fs.writeText(`${VDPA}/drivers/${VHOST_VDPA}/bind`, name);
  return boundTo(fs, name);
}

async function applyOne(
  io: { fs: HostFs; runner: CommandRunner },
  vf: VfPlan,
): Promise<string | null> {
  const c = vf.vdpa;
  if (c === null || vf.pciAddress === null) return 'the VF does not exist';
  const replace = c.from?.name !== c.to.name || c.from.mac !== c.to.mac;
  if (replace) {
    if (c.from !== null) await run(io.runner, 'vdpa', ['dev', 'del', c.from.name]);
    const mac = c.to.mac === null ? [] : ['mac', c.to.mac];
    await run(io.runner, 'vdpa', [
      'dev',
      'add',
      'name',
      c.to.name,
      'mgmtdev',
      `pci/${vf.pciAddress}`,
      ...mac,
    ]);
  }
  const bound = await bindVhost(io.fs, c.to.name);
  return bound === VHOST_VDPA ? null : `bound to ${bound ?? 'no driver'} after binding vhost_vdpa`;
}

/**
 * The planned vDPA devices of `pfs`, each one step: made on the VF's
 * management device (`vdpa dev add`), a device of another MAC deleted first,
 * and bound to vhost_vdpa (loaded with modprobe if it is not yet).
 */
export async function applyVdpa(
  io: { fs: HostFs; runner: CommandRunner },
  log: StepLog,
  pfs: readonly PfPlan[],
): Promise<void> {
  const todo = pfs.flatMap((pf) => pf.vfs.filter((v) => v.vdpa !== null).map((vf) => ({ pf, vf })));
  if (todo.length === 0) return;
  if (!(await io.fs.exists(`${VDPA}/drivers/${VHOST_VDPA}`))) {
    await io.runner.run('modprobe', [VHOST_VDPA]).catch(() => undefined);
  }
  for (const { pf, vf } of todo) {
    const step = log.start(pf.pciAddress, vf.index, 'vdpa', describeVdpaChange(vf) ?? 'vdpa');
    try {
      const problem = await applyOne(io, vf);
      log.finish(step, problem === null ? 'ok' : 'failed', problem);
    } catch (e) {
      log.finish(step, 'failed', errorText(e));
    }
  }
}
