import { resolve } from 'node:path';
import { instanceRoutes } from '../../api/routes/instances.js';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { VfleetError } from '../../core/errors.js';
import { INSTANCE_STATES, type InstanceState } from '../../core/fleet/model.js';
import { NUMA_POLICIES } from '../../core/vocabulary.js';
import { apiCommand } from '../api-command.js';
import type { CliDeps } from '../cli-deps.js';
import { checkInstanceBody, postInstance } from './create-instance.js';
import { collect, intArg, parseLabels, type ApiOptions } from '../fleet-options.js';
import { findInstance } from '../fleet-lookup.js';
import { INSTANCE_FIELDS } from '../option-fields.js';
import { parsePortSpec, portSpecHelp } from '../port-spec.js';
import { instanceDetail, instancesTable, print } from '../fleet-render.js';
import { afterDelete, bootBody, registerVmCommands, waitForVm } from './vm-commands.js';
import { applyRouterTemplate, TEMPLATE_HELP, TEMPLATES, type Template } from './router-template.js';
import { HUGEPAGES_MODES } from '../../core/libvirt/domain-request.js';
import { registerCloudInitCommand } from './cloud-init-command.js';
import type { InstanceView } from '../../api/answers.js';
import { waitTimeoutOption, withWait, type WaitOptions } from '../wait.js';
import { waitForConfigured, waitForReset } from '../wait-instances.js';

interface InstanceCreate extends ApiOptions {
  file?: string;
  vcpus?: number;
  memoryMb?: number;
  port?: string[];
  /** false with --no-ports. */
  ports?: boolean;
  numaPolicy?: string;
  hostLabel?: string[];
  distinctPfs?: boolean;
  tenant?: string;
  image?: string;
  imageFormat?: string;
  domainXml?: string;
  hugepages?: string;
  template?: Template;
  wait?: boolean;
}

async function readBodyFile(deps: CliDeps, file: string): Promise<Record<string, unknown>> {
  const text = await deps.hostFs('/').readText(resolve(file));
  if (text === null)
    throw new VfleetError('NOT_FOUND', `file ${file} does not exist`, { field: 'file' });
  let data: unknown;
  try {
    data = parseYaml(text) as unknown;
  } catch (e) {
    throw new VfleetError('INVALID_INPUT', `${file}: not JSON or YAML: ${String(e)}`, {
      field: 'file',
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new VfleetError(
      'INVALID_INPUT',
      `${file}: expected an object (POST /v1/instances body)`,
      {
        field: 'file',
      },
    );
  return data as Record<string, unknown>;
}

/** The request body: the -f file, overridden by the options given. */
export async function instanceBody(
  deps: CliDeps,
  name: string | undefined,
  o: InstanceCreate,
): Promise<Record<string, unknown>> {
  const body = o.file === undefined ? {} : await readBodyFile(deps, o.file);
  const set = (k: string, v: unknown) => {
    if (v !== undefined) body[k] = v;
  };
  set('name', name);
  set('vcpus', o.vcpus);
  set('memoryMb', o.memoryMb);
  set('ports', o.port?.map(parsePortSpec));
  set('numaPolicy', o.numaPolicy);
  set('hostLabels', o.hostLabel === undefined ? undefined : parseLabels(o.hostLabel, 'host-label'));
  set('distinctPfs', o.distinctPfs);
  set('tenant', o.tenant);
  set('boot', await bootBody(deps, o));
  if (o.hugepages !== undefined && typeof body.boot === 'object' && body.boot !== null)
    body.boot = { ...body.boot, hugepages: o.hugepages };
  if (o.template === undefined) return checkInstanceBody(body, o);
  if (o.ports === false)
    throw new VfleetError(
      'INVALID_INPUT',
      '--no-ports: the router template routes between VF ports',
      {
        field: 'no-ports',
      },
    );
  return checkInstanceBody(applyRouterTemplate(body), o);
}

/** The request options `instance create` and `instance boot` share. */
const requestOptions = (c: Command): Command =>
  c
    .argument('[name]', 'instance name (or "name" in the -f file)')
    .option('-f, --file <file>', 'request body, JSON or YAML, as POST /v1/instances takes it')
    .option('--vcpus <n>', 'vCPUs', intArg('vcpus', 0, 1 << 20))
    .option('--memory-mb <mb>', 'memory in MiB', intArg('memory-mb', 0, 1 << 30))
    .option('--port <spec>', portSpecHelp(), collect)
    .option('--no-ports', 'an instance without SR-IOV ports (instead of any --port)')
    .option(
      '--numa-policy <policy>',
      `PCI NUMA policy: ${NUMA_POLICIES.join('|')} (default legacy)`,
    )
    .option('--host-label <k=v>', 'only hosts with this label (repeatable)', collect)
    .option('--distinct-pfs', 'every VF on its own PF')
    .option('--tenant <tenant>', 'owner (admin tokens only)');

interface InstanceListOptions extends ApiOptions {
  readonly host?: string;
  readonly tenant?: string;
  readonly state?: InstanceState;
}

/** `vfleet instance`. */
export function registerInstanceCommands(program: Command, deps: CliDeps): void {
  const g = program
    .command('instance')
    .description('instances: scheduled onto a host, one VF claimed per SR-IOV port');
  apiCommand(
    g,
    deps,
    { name: 'list', description: 'list instances', isDefault: true },
    (c) =>
      c
        .option('--host <host>', 'only instances placed on this host')
        .option('--tenant <tenant>', "only this tenant's instances")
        .addOption(
          new Option('--state <state>', 'only instances in this state').choices(INSTANCE_STATES),
        ),
    async (api, o: InstanceListOptions) => {
      // The filters go to the controller: it pages through the matches only.
      const query = {
        ...(o.host === undefined ? {} : { host: o.host }),
        ...(o.tenant === undefined ? {} : { tenant: o.tenant }),
        ...(o.state === undefined ? {} : { state: o.state }),
      };
      print(deps, o.output, await api.list(instanceRoutes.list, { query }), instancesTable);
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'show', description: 'one instance with its ports, by name or id' },
    (c) => c.argument('<instance>'),
    async (api, o: ApiOptions, ref: string) => {
      const found = await findInstance(api, ref);
      // By id: the one-instance answer carries the domain (`vm`), the list does not.
      print(
        deps,
        o.output,
        await api.call(instanceRoutes.get, { params: { id: found.id } }),
        instanceDetail,
      );
    },
  );
  apiCommand(
    g,
    deps,
    {
      name: 'create',
      description: 'schedule an instance and claim a VF for each of its ports, all or nothing',
      fields: INSTANCE_FIELDS,
    },
    (c) => withWait(requestOptions(c), "the agent configured the instance's VFs (MAC, VLAN)"),
    async (api, o: InstanceCreate & WaitOptions, name: string | undefined) => {
      let inst = await postInstance(deps, api, await instanceBody(deps, name, o));
      if (o.wait === true) {
        deps.err(`instance ${inst.name}: claimed on ${inst.host ?? '?'}\n`);
        inst = await waitForConfigured(deps, api, inst, o.waitTimeout);
      }
      print(deps, o.output, inst, instanceDetail);
    },
  );
  apiCommand(
    g,
    deps,
    {
      name: 'boot',
      description:
        'create an instance and boot it: its agent defines and starts the libvirt domain with the claimed VFs',
      fields: INSTANCE_FIELDS,
    },
    (c) =>
      requestOptions(c)
        .option(
          '--image <name>',
          "an image of the host's image store, by name (a minimal domain, kvm or on a host without KVM qemu, is written around it; with --domain-xml, its boot disk); an absolute host path needs a trusted token",
        )
        .option('--image-format <fmt>', 'qcow2 or raw (default: as the host reports the image)')
        .option('--domain-xml <file>', 'your domain XML; vfleet adds ports and pinning')
        .addOption(new Option('--template <name>', TEMPLATE_HELP).choices(TEMPLATES))
        .addOption(
          new Option(
            '--hugepages <mode>',
            "guest memory on the host's hugepages: on, auto (if free on the VFs' NUMA node when placed), off (default; auto with --template router)",
          ).choices(HUGEPAGES_MODES),
        )
        .option('--no-wait', 'return once claimed; do not wait for the domain to run')
        .addOption(waitTimeoutOption()),
    async (api, o: InstanceCreate & { waitTimeout: number }, name: string | undefined) => {
      const body = await instanceBody(deps, name, o);
      if (body.boot === undefined)
        throw new VfleetError(
          'INVALID_INPUT',
          'boot needs --image or --domain-xml (or "boot" in -f)',
          {
            field: 'image',
          },
        );
      let inst = await postInstance(deps, api, body);
      deps.err(`instance ${inst.name}: claimed on ${inst.host ?? '?'}\n`);
      if (o.wait !== false)
        inst = (await waitForVm(deps, api, inst.id, 'running', o.waitTimeout)) ?? inst;
      print(deps, o.output, inst, instanceDetail);
    },
  );
  apiCommand(
    g,
    deps,
    {
      name: 'delete',
      description:
        'delete an instance: its domain is removed first, then its VFs are released and reset by the agent',
    },
    (c) =>
      c
        .argument('<instance>')
        .option(
          '--wait',
          'also wait until the agent has reset its VFs, printing progress on stderr',
        )
        .option('--no-wait', 'return before the domain is gone')
        .addOption(waitTimeoutOption()),
    async (api, o: ApiOptions & WaitOptions, ref: string) => {
      const inst = await findInstance(api, ref);
      const answer = await api.call(instanceRoutes.remove, { params: { id: inst.id } });
      // A booted instance's domain goes first (waited for unless --no-wait); --wait also follows the VF resets.
      const booted = await afterDelete(deps, api, inst, answer, o.wait !== false, o.waitTimeout);
      if (o.wait === true && (await waitForReset(deps, api, inst, o.waitTimeout))) {
        deps.out(`instance ${inst.name} deleted: ${resetText(inst)} reset by the agent\n`);
        return;
      }
      if (booted) return;
      const whole = inst.ports.filter((x) => x.vnicType === 'direct-physical').length;
      deps.out(
        `instance ${inst.name} released; ${inst.ports.length - whole} VF(s) are reset by the agent before reuse${whole > 0 ? `, ${whole} whole PF(s) are offered again once the agent applied the release` : ''}\n`,
      );
    },
  );

  registerVmCommands(g, deps);
  registerCloudInitCommand(g, deps);
}

/** `2 VF(s)`, `1 VF(s) and 1 whole PF(s)`: what the agent reset or released. */
function resetText(inst: InstanceView): string {
  const whole = inst.ports.filter((x) => x.vnicType === 'direct-physical').length;
  const vfs = inst.ports.filter(
    (x) => x.vnicType !== 'direct-physical' && x.vnicType !== 'normal',
  ).length;
  return whole === 0 ? `${vfs} VF(s)` : `${vfs} VF(s) and ${whole} whole PF(s)`;
}
