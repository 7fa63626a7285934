import { Option, type Command } from 'commander';
import type { AuditRecordView } from '../api/answers.js';
import { auditRoutes } from '../api/routes/audit.js';
import { parseTimePoint } from '../core/duration.js';
import { VfleetError } from '../core/errors.js';
import { AUDIT_ACTIONS, type AuditAction } from '../core/fleet/audit.js';
import { apiCommand } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import type { ApiOptions } from './fleet-options.js';
import { renderData, renderTable } from './output.js';

interface AuditOptions extends ApiOptions {
  readonly vf?: string;
  readonly host?: string;
  readonly instance?: string;
  readonly mac?: string;
  /** --by-token: --token already names the token the CLI calls with. */
  readonly byToken?: string;
  readonly object?: string;
  readonly since?: string;
  readonly until?: string;
  /** commander checks it against AUDIT_ACTIONS (choices). */
  readonly action?: AuditAction;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
}

export const DEFAULT_AUDIT_LIMIT = 10_000;

function parseLimit(v: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 1_000_000)
    throw new VfleetError(
      'INVALID_INPUT',
      `--limit: "${v}" is not a whole number from 1 to 1000000`,
      { field: 'limit' },
    );
  return n;
}

/**
 * `vfleet audit`: who changed what (admin tokens only), newest first,
 * every page followed up to --limit records. `--since 7d` is seven days
 * back from now; RFC 3339 times are taken as given.
 */
export function registerAuditCommand(program: Command, deps: CliDeps): void {
  apiCommand(
    program,
    deps,
    {
      name: 'audit',
      description:
        'the audit log: every change through the API and by the fleet itself, who made it, before and after (admin only)',
    },
    (c) =>
      c
        .option('--vf <pci>', 'only records touching this VF (PCI address): who held it, when')
        .option('--host <host>', 'only records about this host')
        .option('--instance <id>', 'only records about this instance (by id)')
        .option('--mac <mac>', 'only records touching this MAC')
        .option('--by-token <name>', 'only changes made with the token of this name')
        .option('--object <type:id>', 'only records about this object, e.g. spec:ID')
        .option('--since <time>', 'from this time: RFC 3339, or a span back from now (7d, 24h)')
        .option('--until <time>', 'before this time: RFC 3339, or a span back from now')
        .addOption(
          new Option('--action <action>', `only this action: ${AUDIT_ACTIONS.join(', ')}`).choices(
            AUDIT_ACTIONS,
          ),
        )
        .addOption(
          new Option('--order <order>', 'desc: newest first; asc: oldest first')
            .choices(['asc', 'desc'])
            .default('desc'),
        )
        .addOption(
          new Option('--limit <n>', 'at most this many records (pages are followed)')
            .argParser(parseLimit)
            .default(DEFAULT_AUDIT_LIMIT),
        ),
    async (api, o: AuditOptions) => {
      const now = deps.clock.now();
      const time = (v: string | undefined, field: string) =>
        v === undefined ? {} : { [field]: parseTimePoint(v, now, `--${field}`) };
      const query = {
        ...(o.vf === undefined ? {} : { vf: o.vf }),
        ...(o.host === undefined ? {} : { host: o.host }),
        ...(o.instance === undefined ? {} : { instance: o.instance }),
        ...(o.mac === undefined ? {} : { mac: o.mac }),
        ...(o.byToken === undefined ? {} : { token: o.byToken }),
        ...(o.object === undefined ? {} : { object: o.object }),
        ...(o.action === undefined ? {} : { action: o.action }),
        ...time(o.since, 'since'),
        ...time(o.until, 'until'),
        order: o.order,
      };
      const items = await api.list(auditRoutes.list, { query }, o.limit);
      deps.out(o.output === 'table' ? auditTable(items) : renderData(o.output, items));
    },
  );
}

const actorText = (r: AuditRecordView): string =>
  r.actor.kind === 'token' ? `${r.actor.name} (${r.actor.role})` : r.actor.kind;

/** One line on what moved: VFs and MACs, else the request for a refusal. */
function summary(r: AuditRecordView): string {
  const parts: string[] = [];
  if (r.instance !== null) parts.push(`instance ${r.instance}`);
  if (r.vfs.length > 0) parts.push(`vf ${r.vfs.join(',')}`);
  if (r.macs.length > 0) parts.push(`mac ${r.macs.join(',')}`);
  if (r.result !== 'ok' && r.method !== null) parts.push(`${r.method} ${r.path ?? ''}`);
  return parts.join(' ');
}

/** AT ACTOR ACTION OBJECT HOST RESULT SUMMARY. */
export function auditTable(items: readonly AuditRecordView[]): string {
  return renderTable(
    ['at', 'actor', 'action', 'object', 'host', 'result', 'summary'],
    items.map((r) => [
      r.at.replace(/\.\d+Z$/, 'Z'),
      actorText(r),
      r.action,
      r.object === null ? null : `${r.object.type}:${r.object.name ?? r.object.id}`,
      r.host,
      r.status === null ? r.result : `${r.result} ${String(r.status)}`,
      summary(r),
    ]),
  );
}
