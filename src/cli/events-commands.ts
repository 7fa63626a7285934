import { Option, type Command } from 'commander';
import type { EventView } from '../api/answers.js';
import { eventRoutes } from '../api/routes/events.js';
import { escapeControlChars } from '../core/control-chars.js';
import { VfleetError } from '../core/errors.js';
import { EVENT_KINDS, type EventKind } from '../core/fleet/events.js';
import { apiCommand } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import type { ApiOptions } from './fleet-options.js';
import { fleetOf } from './fleet-options.js';
import { renderData } from './output.js';

interface EventsOptions extends ApiOptions {
  readonly follow?: boolean;
  readonly host?: string;
  /** commander checks it against EVENT_KINDS (choices). */
  readonly kind?: EventKind;
  readonly limit: number;
}

/** How long one followed long poll waits (the API allows up to 60 s). */
const FOLLOW_WAIT_SECONDS = 25;
export const DEFAULT_EVENT_LIMIT = 50;

function parseLimit(v: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 1000)
    throw new VfleetError('INVALID_INPUT', `--limit: "${v}" is not a whole number from 1 to 1000`, {
      field: 'limit',
    });
  return n;
}

/**
 * `vfleet events`: what the fleet did, oldest first (the newest --limit
 * of them); --follow keeps printing new ones until Ctrl-C, which ends it
 * with exit 0. The same events are lines of the controller's log.
 */
export function registerEventsCommand(program: Command, deps: CliDeps): void {
  apiCommand(
    program,
    deps,
    {
      name: 'events',
      description:
        'what the fleet did: hosts joined, specs applied, VFs configured and reset, instances, migrations, refused requests',
    },
    (c) =>
      c
        .option('-f, --follow', 'keep printing new events until Ctrl-C')
        .option('--host <host>', 'only events of this host')
        .addOption(
          new Option(
            '--kind <kind>',
            `only events of this kind: ${EVENT_KINDS.join(', ')}`,
          ).choices(EVENT_KINDS),
        )
        .addOption(
          new Option('--limit <n>', 'show the newest N events (1-1000)')
            .argParser(parseLimit)
            .default(DEFAULT_EVENT_LIMIT),
        ),
    async (api, o: EventsOptions) => {
      const filters = {
        ...(o.host === undefined ? {} : { host: o.host }),
        ...(o.kind === undefined ? {} : { kind: o.kind }),
      };
      const first = await api.call(eventRoutes.list, { query: { ...filters, last: o.limit } });
      const show = (items: readonly EventView[], header: boolean) => {
        if (o.output === 'table') deps.out(eventsTable(items, header));
        else if (o.follow === true && o.output === 'json')
          deps.out(items.map((e) => JSON.stringify(e) + '\n').join(''));
        else if (items.length > 0 || o.follow !== true) deps.out(renderData(o.output, items));
      };
      show(first.items, true);
      if (o.follow !== true) return;
      const stop = new AbortController();
      // A function, not the property: the signal flips while we await.
      const stopped = () => stop.signal.aborted;
      void fleetOf(deps)
        .untilStopped()
        .then(() => {
          stop.abort();
        });
      let since = first.items.at(-1)?.id ?? null;
      while (!stopped()) {
        let page: { items: EventView[] };
        try {
          const query = {
            ...filters,
            ...(since === null ? {} : { since: String(since) }),
            wait: FOLLOW_WAIT_SECONDS,
            limit: 1000,
          };
          page = await api.call(eventRoutes.list, { query }, { signal: stop.signal });
        } catch (e) {
          // Ctrl-C while waiting: the end the operator asked for, not an error.
          if (stopped()) return;
          throw e;
        }
        show(page.items, false);
        since = page.items.at(-1)?.id ?? since;
      }
    },
  );
}

const WIDTHS = [20, 25, 16, 16] as const;

/**
 * TIME KIND HOST SUBJECT MESSAGE with fixed widths (a wider cell pushes its
 * line only), so a followed stream stays aligned batch after batch.
 */
export function eventsTable(items: readonly EventView[], header: boolean): string {
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        const w = WIDTHS[i];
        return w === undefined ? c : c.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  const rows = items.map((e) =>
    line(
      [e.at.replace(/\.\d+Z$/, 'Z'), e.kind, e.host ?? '-', e.subject ?? '-', e.message].map((c) =>
        escapeControlChars(c),
      ),
    ),
  );
  const head = header ? [line(['TIME', 'KIND', 'HOST', 'SUBJECT', 'MESSAGE'])] : [];
  const all = [...head, ...rows];
  return all.length === 0 ? '' : all.join('\n') + '\n';
}
