import { join } from 'node:path';
import { createExecRunner } from '../adapters/exec/exec-runner.js';

/**
 * Runs openstack-parsers.py: Debian's python3-nova and python3-neutron read
 * an OpenStack export (scripts/setup installs them). Debian's own
 * interpreter, because a python3 earlier on PATH (a venv, pyenv) does not see
 * the packages Debian installs.
 */
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'openstack-parsers.py');

/**
 * What a guest asks Nova for: a Neutron port of a vnic_type on a physnet
 * (the PCI request Nova builds for it), or a flavor's alias.
 */
export type NovaRequest =
  { name: string; vnic_type: 'direct' | 'vdpa'; physnet: string } | { name: string; alias: string };

/** A host's files and its PCI functions as Nova's tracker sees them. */
export interface ParsersHost {
  name: string;
  nova: string;
  agent: string;
  devices: Record<string, string | null>[];
  /** asked of Nova's scheduler pools; the answer's `requests` names the devices each may get */
  requests?: NovaRequest[];
}

export interface NovaAnswer {
  assignable: { address: string; tags: Record<string, string> }[];
  aliases: Record<string, string[]>;
  requests?: Record<string, string[]>;
}
export interface AgentAnswer {
  mappings: Record<string, string[]>;
  exclude: Record<string, string[]>;
  bandwidths: Record<string, { egress: number | null; ingress: number | null }>;
}
/** What a parser made of a file, or the error it raised. */
export type Answer<T> = { ok: T } | { error: string };
export interface ParsersAnswer {
  hosts: Record<string, { nova: Answer<NovaAnswer>; agent: Answer<AgentAnswer> } | undefined>;
  ml2: Answer<Record<string, number[][]>>;
}

export async function runOpenstackParsers(job: {
  hosts: ParsersHost[];
  ml2: string;
}): Promise<ParsersAnswer> {
  const r = await createExecRunner({ path: process.env.PATH }).run(PYTHON, [SCRIPT], {
    input: JSON.stringify(job),
    timeoutMs: 60_000,
  });
  if (r.exitCode !== 0) throw new Error(`openstack-parsers.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ParsersAnswer;
}

/** The answer, or the parser's error as a failed test. */
export const accepted = <T>(a: Answer<T> | undefined): T => {
  if (a === undefined) throw new Error('no answer for this file');
  if ('error' in a) throw new Error(a.error);
  return a.ok;
};
