import type { Command } from 'commander';
import type { ApiClient } from '../api/client.js';
import type { CliDeps } from './cli-deps.js';
import { connect, withApiOptions, type ApiOptions } from './fleet-options.js';
import { inOptionWords, type FieldOptions } from './option-fields.js';

/**
 * The handler of an API command: the client, the options (ApiOptions and the
 * command's own), then the positional arguments; handlers annotate both.
 */
export type ApiAction = (api: ApiClient, o: never, ...args: never[]) => Promise<void>;

/** One `<group> <verb>` command with the API options; `action` gets the connected client. */
export function apiCommand(
  group: Command,
  deps: CliDeps,
  spec: {
    name: string;
    description: string;
    isDefault?: boolean;
    /** The API fields this command's options fill, for errors in the options' words. */
    fields?: FieldOptions;
  },
  build: (cmd: Command) => Command,
  action: ApiAction,
): void {
  const cmd = group.command(spec.name, spec.isDefault === true ? { isDefault: true } : {});
  withApiOptions(build(cmd.description(spec.description))).action(async (...raw: unknown[]) => {
    // commander passes the positional arguments, then the options, then the command.
    const args = raw.slice(0, -2) as never[];
    const o = raw[raw.length - 2] as ApiOptions;
    const fields = spec.fields;
    try {
      await action(await connect(deps, o), o as never, ...args);
    } catch (e) {
      throw fields === undefined ? e : inOptionWords(e, fields);
    }
  });
}

/** For commands without arguments or options of their own. */
export const same = (c: Command): Command => c;
