import { resolve } from 'node:path';
import { instanceRoutes } from '../../api/routes/instances.js';
import { migrationRoutes } from '../../api/routes/migrations.js';
import type { Command } from 'commander';
import { VfleetError } from '../../core/errors.js';
import { escapeControlChars } from '../../core/control-chars.js';
import { RENDERED_NOTE } from '../../core/fleet/vm-domain.js';
import type { ApiClient } from '../../api/client.js';
import { apiCommand } from '../api-command.js';
import type { CliDeps } from '../cli-deps.js';
import { findInstance } from '../fleet-lookup.js';
import type { ApiOptions } from '../fleet-options.js';
import { migrationReportOf } from '../../api/answers.js';
import type { InstanceView, MigrationStepView, MigrationView } from '../../api/answers.js';
import { renderData } from '../output.js';
import { DEFAULT_WAIT_TIMEOUT_S, waitTimeoutOption } from '../wait.js';

interface WaitOption {
  wait: boolean;
}

const POLL_MS = 500;

/** `--image`/`--domain-xml` (either or both) as the request's `boot`. */
export async function bootBody(
  deps: CliDeps,
  o: { image?: string; imageFormat?: string; domainXml?: string },
): Promise<Record<string, unknown> | undefined> {
  let domainXml: string | undefined;
  if (o.domainXml !== undefined) {
    const xml = await deps.hostFs('/').readText(resolve(o.domainXml));
    if (xml === null)
      throw new VfleetError('NOT_FOUND', `file ${o.domainXml} does not exist`, {
        field: 'domain-xml',
      });
    domainXml = xml;
  }
  if (o.image === undefined && domainXml === undefined) return undefined;
  return {
    ...(domainXml === undefined ? {} : { domainXml }),
    ...(o.image === undefined ? {} : { image: o.image }),
    ...(o.imageFormat === undefined ? {} : { imageFormat: o.imageFormat }),
  };
}

/** Follows the domain until the agent has it running (or says why not). */
export async function waitForVm(
  deps: CliDeps,
  api: ApiClient,
  id: string,
  until: 'running' | 'gone',
  timeoutS = DEFAULT_WAIT_TIMEOUT_S,
): Promise<InstanceView | null> {
  let last = '';
  const end = deps.clock.now() + timeoutS * 1000;
  for (;;) {
    let inst: InstanceView;
    try {
      inst = await api.call(instanceRoutes.get, { params: { id } });
    } catch (e) {
      if (until === 'gone' && e instanceof VfleetError && e.code === 'NOT_FOUND') return null;
      throw e;
    }
    const state = inst.vm?.state ?? 'pending';
    const note = state === 'rendered' ? ` (${inst.vm?.stateNote ?? RENDERED_NOTE})` : '';
    if (state !== last) deps.err(`domain ${inst.vm?.domain ?? '?'}: ${state}${note}\n`);
    last = state;
    // A render-only host defines the domain and runs nothing: that is as far as it goes.
    if (until === 'running' && (state === 'running' || state === 'rendered')) return inst;
    if (state === 'failed') {
      throw new VfleetError(
        'COMMAND_FAILED',
        `domain ${inst.vm?.domain ?? '?'} failed on ${inst.host ?? '?'}: ${inst.vm?.message ?? 'no reason given'}`,
      );
    }
    if (deps.clock.now() >= end)
      throw new VfleetError(
        'TIMEOUT',
        `domain ${inst.vm?.domain ?? '?'} of instance ${inst.name}: not ${until === 'running' ? 'running' : 'removed'} within ${timeoutS} s (last: ${state}); follow with vfleet instance show ${inst.name}, or wait longer with --wait-timeout`,
      );
    await deps.clock.sleep(POLL_MS);
  }
}

function stepLine(s: MigrationStepView): string {
  // Details quote the hosts' libvirt: printable only.
  return `${escapeControlChars(`  ${s.step ?? '?'}: ${s.status ?? '?'}${s.detail === undefined ? '' : ` (${s.detail})`}`)}\n`;
}

/** Prints each step as the controller records it, until the migration ends. */
async function followMigration(
  deps: CliDeps,
  api: ApiClient,
  inst: InstanceView,
  id: string,
  timeoutS: number,
) {
  let shown = 0;
  const end = deps.clock.now() + timeoutS * 1000;
  for (;;) {
    const all = await api.list(migrationRoutes.list, { params: { id: inst.id } });
    const m = all.find((x) => x.id === id);
    if (m === undefined) throw new VfleetError('NOT_FOUND', `migration ${id} vanished`);
    // Printed from the record, so steps that ended between two polls are shown too.
    const steps = migrationReportOf(m).progress ?? [];
    for (const s of steps.slice(shown)) deps.err(stepLine(s));
    shown = Math.max(shown, steps.length);
    if (m.state === 'running') {
      if (deps.clock.now() >= end)
        throw new VfleetError(
          'TIMEOUT',
          `migration of ${inst.name} (${m.source} -> ${m.target}): not ended within ${timeoutS} s (last step: ${steps.at(-1)?.step ?? 'none yet'}); it goes on: follow with vfleet instance show ${inst.name}`,
          { migration: m.id },
        );
      await deps.clock.sleep(POLL_MS);
      continue;
    }
    return m;
  }
}

/** Render-only hosts move the definition and the VF ports: never said to have migrated live. */
export function migratedLine(name: string, m: MigrationView): string {
  const renderOnly = migrationReportOf(m).mode === 'render-only';
  if (m.state === 'running') {
    return renderOnly
      ? `instance ${name}: moving ${m.source} -> ${m.target} (render-only hosts: no VM runs)\n`
      : `instance ${name}: migrating ${m.source} -> ${m.target}\n`;
  }
  return renderOnly
    ? `instance ${name} moved from ${m.source} to ${m.target} (render-only hosts: its domain ` +
        'definition and VF ports moved; no VM was running, so nothing ran live)\n'
    : `instance ${name}: migrated ${m.source} -> ${m.target}\n`;
}

/** `vfleet instance boot|xml|migrate` (create, show, delete live in instance-commands.ts). */
export function registerVmCommands(g: Command, deps: CliDeps): void {
  apiCommand(
    g,
    deps,
    { name: 'xml', description: "print the libvirt domain XML the instance's agent defines" },
    (c) => c.argument('<instance>'),
    async (api, o: ApiOptions, ref: string) => {
      const inst = await findInstance(api, ref);
      const r = await api.call(instanceRoutes.xml, { params: { id: inst.id } });
      deps.out(o.output === 'table' ? `${r.xml.trimEnd()}\n` : renderData(o.output, r));
    },
  );
  apiCommand(
    g,
    deps,
    {
      name: 'migrate',
      description:
        'live-migrate a booted instance; each VF port gets a VF on the target with the same MAC and VLAN',
    },
    (c) =>
      c
        .argument('<instance>')
        .option('--to <host>', "target host (default: the scheduler's choice)")
        .option('--no-wait', 'start it and return; follow with `vfleet instance show`')
        .addOption(waitTimeoutOption()),
    async (api, o: ApiOptions & WaitOption & { to?: string; waitTimeout: number }, ref: string) => {
      const inst = await findInstance(api, ref);
      const started = await api.call(migrationRoutes.start, {
        params: { id: inst.id },
        body: o.to === undefined ? {} : { host: o.to },
      });
      deps.err(
        migrationReportOf(started).mode === 'render-only'
          ? `moving ${inst.name}: ${started.source} -> ${started.target} (render-only hosts: its domain definition and VF ports move, no VM runs)\n`
          : `migrating ${inst.name}: ${started.source} -> ${started.target}\n`,
      );
      const m = o.wait
        ? await followMigration(deps, api, inst, started.id, o.waitTimeout)
        : started;
      if (o.output !== 'table') deps.out(renderData(o.output, m));
      else if (m.state === 'done' || m.state === 'running') deps.out(migratedLine(inst.name, m));
      if (m.state === 'rolled-back' || m.state === 'needs-attention') {
        const why = migrationReportOf(m).error?.message ?? 'see `vfleet instance show`';
        const todo = (migrationReportOf(m).attention ?? []).map((a) => `\n  ${a}`).join('');
        throw new VfleetError(
          'COMMAND_FAILED',
          m.state === 'rolled-back'
            ? `migration of ${inst.name} failed at ${migrationReportOf(m).failedStep ?? '?'} and was rolled back: ${why}`
            : `migration of ${inst.name} needs an operator: ${why}${todo}`,
          { migration: m.id },
        );
      }
    },
  );
}

/** After `instance delete` of a booted instance (true): it goes once its agent has removed the domain. */
export async function afterDelete(
  deps: CliDeps,
  api: ApiClient,
  inst: InstanceView,
  answer: unknown,
  wait: boolean,
  timeoutS = DEFAULT_WAIT_TIMEOUT_S,
): Promise<boolean> {
  if (typeof answer !== 'object' || answer === null || !('vm' in answer)) return false;
  if (!wait) {
    deps.out(
      `instance ${inst.name}: removing its domain on ${inst.host ?? '?'}; VFs are released after\n`,
    );
    return true;
  }
  await waitForVm(deps, api, inst.id, 'gone', timeoutS);
  deps.out(
    `instance ${inst.name} deleted: domain removed, ${inst.ports.length} port(s) released\n`,
  );
  return true;
}
