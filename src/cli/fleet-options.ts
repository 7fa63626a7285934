import { isAbsolute, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { VfleetError } from '../core/errors.js';
import { WEIGHERS, type Weigher } from '../core/scheduler/types.js';
import { isOneOf, type OutputFormat } from '../core/vocabulary.js';
import { createApiClient, type ApiClient } from '../api/client.js';
import type { CliDeps } from './cli-deps.js';
import { outputOption } from './common-options.js';
import type { FleetDeps } from './fleet-deps.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const DEFAULT_LISTEN = '127.0.0.1:8080';

/** The admin token file `vfleet controller` writes on first start, by default. */
export const adminTokenFileIn = (dataDir: string): string => join(dataDir, 'admin-token');
/** Where a running `vfleet controller` / `vfleet up` notes its URL for the CLI on the same machine. */
export const urlFileIn = (dataDir: string): string => join(dataDir, 'url');

export function fleetOf(deps: CliDeps): FleetDeps {
  if (deps.fleet === undefined)
    throw new VfleetError(
      'UNSUPPORTED',
      'fleet commands are not available in this build of vfleet',
    );
  return deps.fleet;
}

export interface ApiOptions {
  readonly controller?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly output: OutputFormat;
}

/** --controller, --token, --token-file and -o on a command that talks to the API. */
export function withApiOptions(cmd: Command): Command {
  return cmd
    .option(
      '--controller <url>',
      `controller URL (default: $VFLEET_URL, else the local controller's, else ${DEFAULT_URL})`,
    )
    .option(
      '--token <token>',
      'bearer token (default: $VFLEET_TOKEN, else the admin token file of the default data dir)',
    )
    .option('--token-file <file>', 'read the bearer token from FILE')
    .addOption(outputOption());
}

/** An API client from the options, then the environment, then the local admin token file. */
export async function connect(deps: CliDeps, o: ApiOptions): Promise<ApiClient> {
  const fleet = fleetOf(deps);
  const url = await controllerUrl(deps, o.controller);
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new VfleetError('INVALID_INPUT', `--controller: "${url}" is not an http(s) URL`, {
      field: 'controller',
    });
  }
  const { token, from } = await tokenAndSource(deps, o);
  return createApiClient({
    baseUrl: url,
    token,
    fetch: fleet.fetch,
    tokenFrom: from,
    unreachableHint: 'is it running? (--controller or VFLEET_URL)',
  });
}

/** --controller, else $VFLEET_URL, else the URL the local controller noted, else the default. */
export async function controllerUrl(deps: CliDeps, given: string | undefined): Promise<string> {
  const fleet = fleetOf(deps);
  if (given !== undefined) return given;
  if (fleet.defaults.url !== null) return fleet.defaults.url;
  const noted = await deps
    .hostFs('/')
    .readText(urlFileIn(fleet.defaults.dataDir))
    .catch(() => null);
  const url = noted?.trim() ?? '';
  return url === '' ? DEFAULT_URL : url;
}

export async function resolveToken(
  deps: CliDeps,
  o: { token?: string; tokenFile?: string },
): Promise<string> {
  return (await tokenAndSource(deps, o)).token;
}

/**
 * The token and where it came from, in the words a refusal names it with:
 * `--token`, `--token-file F`, the environment (as the composition root
 * names it) or the admin token file of the default data dir.
 */
export async function tokenAndSource(
  deps: CliDeps,
  o: { token?: string; tokenFile?: string },
): Promise<{ token: string; from: string }> {
  if (o.token !== undefined && o.token !== '') return { token: o.token, from: '--token' };
  if (o.tokenFile !== undefined) {
    const t = await readTokenFile(deps, o.tokenFile);
    if (t === null)
      throw new VfleetError('NOT_FOUND', `token file ${o.tokenFile} does not exist`, {
        field: 'token-file',
      });
    return { token: t, from: `--token-file ${o.tokenFile}` };
  }
  const fleet = fleetOf(deps);
  if (fleet.defaults.token !== null && fleet.defaults.token !== '')
    return { token: fleet.defaults.token, from: fleet.defaults.tokenFrom ?? 'VFLEET_TOKEN' };
  const file = adminTokenFileIn(fleet.defaults.dataDir);
  const t = await readTokenFile(deps, file).catch(() => null);
  if (t !== null) return { token: t, from: `the admin token file ${file}` };
  throw new VfleetError(
    'UNAUTHORIZED',
    `no token: pass --token or --token-file, set VFLEET_TOKEN, or run where ${file} is readable`,
    { field: 'token' },
  );
}

async function readTokenFile(deps: CliDeps, file: string): Promise<string | null> {
  const path = isAbsolute(file) ? file : resolve(file);
  const text = await deps.hostFs('/').readText(path);
  const t = text?.trim() ?? '';
  return t === '' ? null : t;
}

/** `k=v` pairs (repeatable option) as a label map. */
export function parseLabels(pairs: readonly string[], field = 'label'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0)
      throw new VfleetError('INVALID_INPUT', `--${field}: "${p}" is not key=value`, { field });
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

/** Commander collector for repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `HOST:PORT`, `[v6]:PORT` or `:PORT` (= 127.0.0.1); port 0 picks a free one. */
export function parseListen(value: string, option = 'listen'): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(value.trim());
  const port = Number(m?.[3]);
  if (m === null || !Number.isInteger(port) || port > 65535) {
    throw new VfleetError(
      'INVALID_INPUT',
      `--${option}: "${value}" is not HOST:PORT like ${DEFAULT_LISTEN}`,
      { field: option },
    );
  }
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '127.0.0.1' : host, port };
}

export const weigherOption = () =>
  new Option('--weigher <weigher>', `how hosts are weighed: ${WEIGHERS.join('|')}`)
    .argParser((v: string): Weigher => {
      if (isOneOf(WEIGHERS, v)) return v;
      throw new VfleetError(
        'INVALID_INPUT',
        `--weigher: "${v}" is not one of ${WEIGHERS.join(', ')}`,
        {
          field: 'weigher',
        },
      );
    })
    .default('pack' satisfies Weigher);

/** A whole number option in [min, max], named in the error. */
export const intArg =
  (field: string, min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max)
      throw new VfleetError(
        'INVALID_INPUT',
        `--${field}: "${value}" is not a whole number from ${min} to ${max}`,
        { field },
      );
    return n;
  };

/** Only the fields given; PATCH leaves the rest. An empty change is a mistake worth saying. */
export function changes(fields: Record<string, unknown>): Record<string, unknown> {
  const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (Object.keys(body).length === 0)
    throw new VfleetError('INVALID_INPUT', 'nothing to change: give at least one option', {
      field: 'options',
    });
  return body;
}
