import { Option, type Command } from 'commander';
import { rolloutRoutes } from '../api/routes/rollouts.js';
import { UserBody } from '../api/call-types.js';
import type { RolloutDetailView, RolloutView } from '../api/answers.js';
import { VfleetError } from '../core/errors.js';
import { parseMaxUnavailable } from '../core/fleet/rollout.js';
import type { ApiClient } from '../api/client.js';
import { apiCommand, same } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import { intArg, type ApiOptions } from './fleet-options.js';
import { print, renderFields } from './fleet-render.js';
import { renderTable } from './output.js';
import { waitFor, withWait, type WaitOptions } from './wait.js';

const countsText = (c: RolloutView['counts']): string =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');

const rolloutsTable = (rs: readonly RolloutView[]): string =>
  renderTable(
    ['rollout', 'spec', 'state', 'wave', 'max unavailable', 'canary', 'hosts', 'started'],
    rs.map((r) => [
      r.id,
      r.specName,
      r.state,
      r.wave,
      r.maxUnavailable,
      r.canary,
      countsText(r.counts),
      r.createdAt,
    ]),
  );

export const rolloutDetail = (r: RolloutDetailView): string =>
  renderFields([
    ['rollout', r.id],
    ['spec', r.specName],
    ['state', r.state],
    ['wave', r.wave],
    [
      'policy',
      `max unavailable ${r.maxUnavailable}, canary ${r.canary}${r.evacuate ? ', evacuate' : ''}`,
    ],
    ['hosts', countsText(r.counts)],
    ['message', r.message],
    ['started', r.createdAt],
    ['finished', r.finishedAt],
  ]) +
  '\n' +
  renderTable(
    ['host', 'wave', 'state', 'generation', 'instances', 'message'],
    r.hosts.map((h) => [
      h.host,
      h.wave,
      h.state,
      h.targetGeneration,
      h.instances.length === 0 ? null : h.instances.join(','),
      h.message,
    ]),
  );

/** Follows a rollout until it is no longer running; paused or aborted ends with CONFLICT (exit 4). */
export async function waitForRollout(
  deps: CliDeps,
  api: ApiClient,
  id: string,
  timeoutS: number,
): Promise<RolloutDetailView> {
  const r = await waitFor(
    deps,
    { what: `rollout ${id}`, timeoutS, followWith: `vfleet rollout show ${id}` },
    async () => {
      const now = await api.call(rolloutRoutes.get, { params: { id } });
      return now.state === 'running'
        ? { progress: [`rollout ${id}: wave ${now.wave}: ${countsText(now.counts)}`] }
        : { done: now };
    },
  );
  if (r.state !== 'done')
    throw new VfleetError('CONFLICT', `rollout ${id} ${r.state}: ${r.message ?? ''}`, {
      rollout: id,
    });
  return r;
}

/** `--max-unavailable`, `--canary`, `--evacuate` on `spec update`: its body's `rollout`. */
export const rolloutOptions = (c: Command): Command =>
  c
    .addOption(
      new Option(
        '--max-unavailable <n|n%>',
        'reach the hosts whose declared state moves in waves of this many (a rollout)',
      ).argParser((v) => {
        if (parseMaxUnavailable(v) === null)
          throw new VfleetError(
            'INVALID_INPUT',
            `--max-unavailable: "${v}" is neither a host count (1 or more) nor a percentage (1% to 100%)`,
            { field: 'max-unavailable' },
          );
        return v;
      }),
    )
    .option(
      '--canary <n>',
      'with waves: hosts in the first wave, alone (default 1)',
      intArg('canary', 0, 1000),
    )
    .option(
      '--evacuate',
      "with waves: live-migrate the instances a host's change would take VFs from",
    );

export interface RolloutOptions {
  readonly maxUnavailable?: string;
  readonly canary?: number;
  readonly evacuate?: boolean;
}

export const rolloutBody = (o: RolloutOptions): Record<string, unknown> | undefined =>
  o.maxUnavailable === undefined && o.canary === undefined && o.evacuate === undefined
    ? undefined
    : {
        ...(o.maxUnavailable === undefined ? {} : { maxUnavailable: o.maxUnavailable }),
        ...(o.canary === undefined ? {} : { canary: o.canary }),
        ...(o.evacuate === undefined ? {} : { evacuate: o.evacuate }),
      };

/** `vfleet rollout`: spec changes in waves (docs/controller.md, "Rollouts"). */
export function registerRolloutCommands(program: Command, deps: CliDeps): void {
  const g = program.command('rollout').description('spec changes reaching hosts in waves');
  apiCommand(
    g,
    deps,
    { name: 'list', description: 'rollouts, newest first', isDefault: true },
    same,
    async (api, o: ApiOptions) => {
      print(
        deps,
        o.output,
        (await api.call(rolloutRoutes.list, { query: {} })).items,
        rolloutsTable,
      );
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'show', description: 'one rollout: its waves and each host with its state and why' },
    (c) => withWait(c.argument('<rollout>'), 'it is done (exit 4 if it pauses or is aborted)'),
    async (api, o: ApiOptions & WaitOptions, id: string) => {
      const r =
        o.wait === true
          ? await waitForRollout(deps, api, id, o.waitTimeout)
          : await api.call(rolloutRoutes.get, { params: { id } });
      print(deps, o.output, r, rolloutDetail);
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'pause', description: 'no next wave until resumed; hosts updating finish' },
    (c) => c.argument('<rollout>'),
    async (api, o: ApiOptions, id: string) => {
      const r = await api.call(rolloutRoutes.pause, { params: { id }, body: new UserBody({}) });
      print(deps, o.output, [r], rolloutsTable);
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'resume', description: 'go on; failed hosts apply again, or are skipped' },
    (c) => c.argument('<rollout>').option('--skip-failed', 'skip the failed hosts instead'),
    async (api, o: ApiOptions & { skipFailed?: boolean }, id: string) => {
      const body = new UserBody({ skipFailed: o.skipFailed === true });
      print(
        deps,
        o.output,
        [await api.call(rolloutRoutes.resume, { params: { id }, body })],
        rolloutsTable,
      );
    },
  );
  apiCommand(
    g,
    deps,
    { name: 'abort', description: 'put the spec back as it was; updated hosts go back' },
    (c) => c.argument('<rollout>'),
    async (api, o: ApiOptions, id: string) => {
      const r = await api.call(rolloutRoutes.abort, { params: { id }, body: new UserBody({}) });
      print(deps, o.output, [r], rolloutsTable);
    },
  );
}
