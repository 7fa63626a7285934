import type { Command } from 'commander';
import { quotaRoutes } from '../api/routes/quotas.js';
import { UserBody } from '../api/call-types.js';
import { VfleetError } from '../core/errors.js';
import { apiCommand, same } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import type { ApiOptions } from './fleet-options.js';
import { print } from './fleet-render.js';
import type { QuotaLimit, QuotaReportView, TenantQuotaView } from '../api/answers.js';
import { renderTable } from './output.js';

const FLAGS = [
  ['instances', 'instances'],
  ['vfs', 'vfs'],
  ['networks', 'networks'],
  ['vlansPerPhysnet', 'vlans-per-physnet'],
] as const;

/** A count, `unlimited`, or `default` (the override is dropped). */
export function quotaValue(flag: string, v: string): QuotaLimit | null {
  if (v === 'default') return null;
  if (v === 'unlimited') return v;
  if (/^\d{1,7}$/.test(v) && Number(v) <= 1_000_000) return Number(v);
  throw new VfleetError(
    'INVALID_INPUT',
    `--${flag}: "${v}" is not a count (0-1000000), unlimited or default`,
    { field: flag },
  );
}

const shown = (v: QuotaLimit | null): string => (v === null ? 'default' : String(v));

const quotasTable = (qs: readonly TenantQuotaView[]): string =>
  renderTable(
    ['tenant', 'instances', 'vfs', 'networks', 'vlans/physnet'],
    qs.map((q) => [
      q.tenant,
      shown(q.instances),
      shown(q.vfs),
      shown(q.networks),
      shown(q.vlansPerPhysnet),
    ]),
  );

const quotaReport = (r: QuotaReportView): string =>
  renderTable(
    ['tenant', 'quota', 'used', 'limit', 'override'],
    [
      [r.tenant, 'instances', r.instances.usage, r.instances.limit, shown(r.overrides.instances)],
      [r.tenant, 'vfs', r.vfs.usage, r.vfs.limit, shown(r.overrides.vfs)],
      [r.tenant, 'networks', r.networks.usage, r.networks.limit, shown(r.overrides.networks)],
      ...r.vlansPerPhysnet.map((p) => [
        r.tenant,
        `vlans on ${p.physnet} (of ${p.vlans})`,
        p.usage,
        p.limit,
        shown(r.overrides.vlansPerPhysnet),
      ]),
    ],
  );

type SetOptions = ApiOptions & {
  instances?: string;
  vfs?: string;
  networks?: string;
  vlansPerPhysnet?: string;
};

/** `vfleet quota`: per-tenant quotas (docs/controller.md, "Quotas"). */
export function registerQuotaCommands(program: Command, deps: CliDeps): void {
  const g = program
    .command('quota')
    .description("tenants' quotas: instances, VFs, networks, VLANs per physnet");
  apiCommand(
    g,
    deps,
    {
      name: 'list',
      description: 'tenants with overrides (a tenant token: its own)',
      isDefault: true,
    },
    same,
    async (api, o: ApiOptions) => {
      print(deps, o.output, await api.list(quotaRoutes.list, {}), quotasTable);
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'show', description: "a tenant's limits and usage" },
    (c) => c.argument('<tenant>'),
    async (api, o: ApiOptions, tenant: string) => {
      print(deps, o.output, await api.call(quotaRoutes.get, { params: { tenant } }), quotaReport);
    },
  );
  apiCommand(
    g,
    deps,
    {
      name: 'set',
      description: "override a tenant's quotas: a count, unlimited, or default (admin)",
    },
    (c) =>
      FLAGS.reduce(
        (cmd, [, flag]) => cmd.option(`--${flag} <n>`, 'a count, unlimited or default'),
        c.argument('<tenant>'),
      ),
    async (api, o: SetOptions, tenant: string) => {
      const body: Record<string, QuotaLimit | null> = {};
      for (const [key, flag] of FLAGS) {
        const v = o[key];
        if (v !== undefined) body[key] = quotaValue(flag, v);
      }
      if (Object.keys(body).length === 0)
        throw new VfleetError(
          'INVALID_INPUT',
          `quota set: give at least one of ${FLAGS.map(([, f]) => `--${f}`).join(', ')}`,
          { field: 'instances' },
        );
      const r = await api.call(quotaRoutes.set, { params: { tenant }, body: new UserBody(body) });
      print(deps, o.output, r, quotaReport);
    },
  );
}
