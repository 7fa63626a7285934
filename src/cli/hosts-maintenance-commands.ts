import type { Command } from 'commander';
import { allocationRoutes } from '../api/routes/allocation.js';
import { hostRoutes } from '../api/routes/hosts.js';
import { UserBody } from '../api/call-types.js';
import type { AllocationRuleView, HostCordonView, HostDrainView } from '../api/answers.js';
import { VfleetError } from '../core/errors.js';
import { apiCommand, same } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import { intArg, type ApiOptions } from './fleet-options.js';
import { print, renderFields } from './fleet-render.js';
import { renderTable } from './output.js';
import { waitFor, withWait, type WaitOptions } from './wait.js';
import { formatCpuList } from '../core/libvirt/cpu-list.js';

const cordonText = (c: HostCordonView): string =>
  c.cordoned
    ? `host ${c.host} cordoned${c.reason === null ? '' : ` (${c.reason})`} since ${c.since ?? '?'}: no new instances\n`
    : `host ${c.host} uncordoned: it takes new instances again\n`;

export const drainText = (d: HostDrainView): string =>
  renderFields([
    ['host', d.host],
    ['state', d.state],
    ['max parallel', d.maxParallel],
    ['started', d.startedAt],
    ['finished', d.finishedAt],
    ['message', d.message],
  ]) +
  '\n' +
  (d.blocked.length === 0
    ? ''
    : renderTable(
        ['cannot move', 'why'],
        d.blocked.map((b) => [b.name, b.reason]),
      ));

/**
 * `vfleet hosts cordon | uncordon | drain`: day-2 operations on one host
 * (docs/controller.md, "Cordon and drain").
 */
export function registerHostMaintenanceCommands(g: Command, deps: CliDeps): void {
  apiCommand(
    g,
    deps,
    {
      name: 'cordon',
      description: 'no new instances (nor migrations) on a host; those on it stay',
    },
    (c) => c.argument('<host>').option('--reason <text>', 'why, shown with the host'),
    async (api, o: ApiOptions & { reason?: string }, id: string) => {
      const body = new UserBody(o.reason === undefined ? {} : { reason: o.reason });
      print(
        deps,
        o.output,
        await api.call(hostRoutes.cordon, { params: { id }, body }),
        cordonText,
      );
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'uncordon', description: 'a host takes new instances again (a drain under way stops)' },
    (c) => c.argument('<host>'),
    async (api, o: ApiOptions, id: string) => {
      print(
        deps,
        o.output,
        await api.call(hostRoutes.uncordon, { params: { id }, body: new UserBody({}) }),
        cordonText,
      );
    },
  );
  apiCommand(
    g,
    deps,
    {
      name: 'drain',
      description:
        'cordon a host and live-migrate every instance away; --wait follows it (exit 4 when some cannot move)',
    },
    (c) =>
      withWait(
        c
          .argument('<host>')
          .option(
            '--max-parallel <n>',
            'migrations at once (default 2)',
            intArg('max-parallel', 1, 16),
          )
          .option('--reason <text>', 'why, shown with the host')
          .option('--status', 'only show the last drain, start nothing'),
        'no instance is left, or only ones that cannot move',
      ),
    async (
      api,
      o: ApiOptions & WaitOptions & { maxParallel?: number; reason?: string; status?: boolean },
      id: string,
    ) => {
      let d =
        o.status === true
          ? await api.call(hostRoutes.drainStatus, { params: { id } })
          : await api.call(hostRoutes.drain, {
              params: { id },
              body: new UserBody({
                ...(o.maxParallel === undefined ? {} : { maxParallel: o.maxParallel }),
                ...(o.reason === undefined ? {} : { reason: o.reason }),
              }),
            });
      if (o.wait === true) {
        d = await waitFor(
          deps,
          {
            what: `the drain of ${id}`,
            timeoutS: o.waitTimeout,
            followWith: `vfleet hosts drain ${id} --status`,
          },
          async () => {
            const now = await api.call(hostRoutes.drainStatus, { params: { id } });
            return now.state === 'draining'
              ? { progress: [`${id}: ${now.message ?? 'starting'}`] }
              : { done: now };
          },
        );
      }
      print(deps, o.output, d, drainText);
      if (o.wait === true && d.state !== 'drained')
        throw new VfleetError('CONFLICT', `host ${id} drain ${d.state}: ${d.message ?? ''}`, {
          blocked: d.blocked,
        });
    },
  );
}

const rulesTable = (rules: readonly AllocationRuleView[]): string =>
  renderTable(
    ['rule', 'hosts', 'cpu ratio', 'memory ratio', 'reserved cpus', 'reserved MiB'],
    rules.map((r) => [
      r.name,
      r.host ??
        (Object.keys(r.hostLabels).length === 0
          ? '(all)'
          : Object.entries(r.hostLabels)
              .map(([k, v]) => `${k}=${v}`)
              .join(',')),
      r.cpuRatio,
      r.memoryRatio,
      r.reservedCpus.length === 0 ? '-' : formatCpuList(r.reservedCpus),
      r.reservedMemoryMb,
    ]),
  );

interface RuleOptions extends ApiOptions {
  readonly host?: string;
  readonly selector?: string[];
  readonly cpuRatio?: string;
  readonly memoryRatio?: string;
  readonly reservedCpus?: string;
  readonly reservedMemoryMb?: string;
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/** `vfleet allocation`: CPU and memory ratios and what hosts keep for themselves. */
export function registerAllocationCommands(program: Command, deps: CliDeps): void {
  const g = program
    .command('allocation')
    .description(
      'allocation rules: CPU and memory ratios, CPUs and memory hosts keep (Nova style)',
    );
  apiCommand(
    g,
    deps,
    { name: 'list', description: 'the rules, by name', isDefault: true },
    same,
    async (api, o: ApiOptions) => {
      const r = await api.call(allocationRoutes.list, {});
      print(deps, o.output, r.items, rulesTable);
    },
  );
  apiCommand(
    g,
    deps,
    {
      name: 'set',
      description: 'create or replace a rule for one host (--host) or hosts by label (--selector)',
      fields: {
        cpuRatio: '--cpu-ratio',
        memoryRatio: '--memory-ratio',
        reservedCpus: '--reserved-cpus',
        reservedMemoryMb: '--reserved-memory-mb',
        host: '--host',
        hostLabels: '--selector',
      },
    },
    (c) =>
      c
        .argument('<name>')
        .option('--host <host>', 'the one host it governs')
        .option('--selector <key=value>', 'hosts with this label (repeat: all of them)', collect)
        .option('--cpu-ratio <r>', 'vCPUs per host CPU (default 1)')
        .option('--memory-ratio <r>', 'MiB per MiB (default 1)')
        .option('--reserved-cpus <list>', 'host CPUs kept for the host, e.g. 0-1')
        .option('--reserved-memory-mb <n>', 'MiB kept for the host'),
    async (api, o: RuleOptions, name: string) => {
      const labels = Object.fromEntries(
        (o.selector ?? []).map((s) => {
          const eq = s.indexOf('=');
          if (eq <= 0)
            throw new VfleetError('INVALID_INPUT', `--selector: "${s}" is not key=value`, {
              field: 'hostLabels',
            });
          return [s.slice(0, eq), s.slice(eq + 1)];
        }),
      );
      const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
      const body = {
        ...(o.host === undefined ? {} : { host: o.host }),
        ...(o.selector === undefined ? {} : { hostLabels: labels }),
        ...(o.cpuRatio === undefined ? {} : { cpuRatio: num(o.cpuRatio) }),
        ...(o.memoryRatio === undefined ? {} : { memoryRatio: num(o.memoryRatio) }),
        ...(o.reservedCpus === undefined ? {} : { reservedCpus: o.reservedCpus }),
        ...(o.reservedMemoryMb === undefined ? {} : { reservedMemoryMb: num(o.reservedMemoryMb) }),
      };
      const r = await api.call(allocationRoutes.put, {
        params: { name },
        body: new UserBody(body),
      });
      print(deps, o.output, [r], rulesTable);
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'delete', description: 'delete a rule: its hosts fall back to the next rule, or none' },
    (c) => c.argument('<name>'),
    async (api, o: ApiOptions, name: string) => {
      await api.call(allocationRoutes.remove, { params: { name } });
      deps.out(`allocation rule ${name} deleted\n`);
    },
  );
}
