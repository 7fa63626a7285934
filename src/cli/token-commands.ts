import type { Command } from 'commander';
import { tokenRoutes } from '../api/routes/tokens.js';
import { UserBody } from '../api/call-types.js';
import { apiCommand, same } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import type { ApiOptions } from './fleet-options.js';
import { findToken } from './fleet-lookup.js';
import { print, renderFields, tokensTable } from './fleet-render.js';

/** `vfleet token`: API tokens (admin). */
export function registerTokenCommands(program: Command, deps: CliDeps): void {
  const g = program.command('token').description('API tokens: admin, tenant, agent (admin only)');
  apiCommand(
    g,
    deps,
    { name: 'list', description: 'list tokens (never their secrets)', isDefault: true },
    same,
    async (api, o: ApiOptions) => {
      print(deps, o.output, await api.list(tokenRoutes.list, {}), tokensTable);
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'create', description: 'create a token; its secret is printed this once' },
    (c) =>
      c
        .argument('<name>')
        .requiredOption('--role <role>', 'admin, tenant or agent')
        .option('--tenant <tenant>', 'the tenant a tenant token acts for')
        .option('--host <host>', 'the one host an agent token reports for')
        .option(
          '--domain-policy <policy>',
          'tenant (default): domain XML from the allowlist, images by name; trusted: any domain XML and host path (docs/security.md)',
        ),
    async (
      api,
      o: ApiOptions & { role: string; tenant?: string; host?: string; domainPolicy?: string },
      name: string,
    ) => {
      const body = {
        name,
        role: o.role,
        ...(o.tenant === undefined ? {} : { tenant: o.tenant }),
        ...(o.host === undefined ? {} : { host: o.host }),
        ...(o.domainPolicy === undefined ? {} : { domainPolicy: o.domainPolicy }),
      };
      const t = await api.call(tokenRoutes.create, { body: new UserBody(body) });
      print(
        deps,
        o.output,
        t,
        (x) =>
          renderFields([
            ['token', x.name],
            ['id', x.id],
            ['role', x.role],
            ['tenant', x.tenant],
            ['host', x.host],
            ['domain policy', x.domainPolicy],
            ['secret', x.token],
          ]) + 'the secret is shown only this once\n',
      );
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'delete', description: 'revoke a token, by name or id' },
    (c) => c.argument('<token>'),
    async (api, _o: ApiOptions, ref: string) => {
      const t = await findToken(api, ref);
      await api.call(tokenRoutes.remove, { params: { id: t.id } });
      deps.out(`token ${t.name} revoked\n`);
    },
  );
}
