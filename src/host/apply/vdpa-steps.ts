import type { HostPlan, PfPlan, VdpaChange } from '../../core/plan/plan-types.js';
import { describeVdpa } from '../../core/plan/render-plan.js';
import type { CommandRunner, HostFs } from '../../core/ports.js';
import { VHOST_VDPA } from '../../core/vocabulary.js';
import { errorText, type StepLog } from './step-log.js';

const VDPA = '/sys/bus/vdpa';

async function run(runner: CommandRunner, cmd: string, args: string[]): Promise<void> {
  const r = await runner.run(cmd, args);
  // The command in the message: \`vfleet host explain\` knows `vdpa dev add ...: No such device`.
  if (r.exitCode !== 0)
    throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim() || `exit status ${r.exitCode}`}`);
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

async function applyChange(
  io: { fs: HostFs; runner: CommandRunner },
  mgmtdev: string,
  c: VdpaChange,
): Promise<string | null> {
  const replace = c.from?.name !== c.to.name || c.from.mac !== c.to.mac;
  if (replace) {
    if (c.from !== null) await run(io.runner, 'vdpa', ['dev', 'del', c.from.name]);
    const mac = c.to.mac === null ? [] : ['mac', c.to.mac];
    await run(io.runner, 'vdpa', ['dev', 'add', 'name', c.to.name, 'mgmtdev', mgmtdev, ...mac]);
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
  plan: Pick<HostPlan, 'vdpa'> & { pfs: readonly PfPlan[] },
): Promise<void> {
  const todo = [
    ...plan.pfs.flatMap((pf) =>
      pf.vfs.flatMap((vf) =>
        vf.vdpa === null
          ? []
          : [
              {
                pf: pf.pciAddress,
                vf: vf.index,
                mgmtdev: vf.pciAddress === null ? null : `pci/${vf.pciAddress}`,
                change: vf.vdpa,
              },
            ],
      ),
    ),
    ...plan.vdpa.map((d) => ({
      pf: d.change.to.name,
      vf: null,
      mgmtdev: d.mgmtdev,
      change: d.change,
    })),
  ];
  if (todo.length === 0) return;
  if (!(await io.fs.exists(`${VDPA}/drivers/${VHOST_VDPA}`))) {
    await io.runner.run('modprobe', [VHOST_VDPA]).catch(() => undefined);
  }
  for (const t of todo) {
    const step = log.start(t.pf, t.vf, 'vdpa', describeVdpa(t.change));
    try {
      const problem =
        t.mgmtdev === null ? 'the VF does not exist' : await applyChange(io, t.mgmtdev, t.change);
      log.finish(step, problem === null ? 'ok' : 'failed', problem);
    } catch (e) {
      log.finish(step, 'failed', errorText(e));
    }
  }
}
