import type { Command } from 'commander';
import type { SearchAnswerView } from '../api/answers.js';
import { searchRoutes } from '../api/routes/search.js';
import { apiCommand } from './api-command.js';
import type { CliDeps } from './cli-deps.js';
import { print } from './fleet-render.js';
import type { ApiOptions } from './fleet-options.js';
import { renderTable } from './output.js';

const READ_AS: Record<SearchAnswerView['matchedAs'], string> = {
  mac: 'a MAC',
  pci: 'a PCI address',
  vlan: 'a VLAN',
  text: 'a name or id',
};

/** One line per hit: where it is (host, NUMA node, PF, VF) and who holds it. */
export function searchTable(a: SearchAnswerView): string {
  if (a.results.length === 0)
    return `nothing matches "${a.query}" (read as ${READ_AS[a.matchedAs]})\n`;
  return renderTable(
    [
      'match',
      'host',
      'numa',
      'pf',
      'vf',
      'pci',
      'state',
      'mac',
      'instance',
      'network',
      'vlan',
      'tenant',
    ],
    a.results.map((r) => [
      r.match,
      r.host,
      r.numaNode,
      r.pf === null ? null : (r.pf.ifname ?? r.pf.pciAddress),
      r.vf?.index,
      r.vf?.pciAddress ?? r.pf?.pciAddress,
      r.vf?.state,
      r.port?.mac,
      r.instance?.name,
      r.network?.name,
      r.network?.vlan,
      r.tenant,
    ]),
  );
}

/**
 * `vfleet search TEXT`: the dashboard's search on the command line. A MAC,
 * PCI address, VLAN, instance, port, network or host, each with the chain
 * around it (GET /v1/search).
 */
export function registerSearchCommand(program: Command, deps: CliDeps): void {
  apiCommand(
    program,
    deps,
    {
      name: 'search',
      description:
        'find a MAC, PCI address, VLAN, instance, port, network or host, with the host, PF, VF, instance and network around it',
    },
    (c) =>
      c.argument(
        '<text>',
        'a MAC (any case, : or -), a PCI address (0000:3b:02.1 or 3b:02.1), a VLAN, or a name or id',
      ),
    async (api, o: ApiOptions, text: string) => {
      print(deps, o.output, await api.call(searchRoutes.get, { query: { q: text } }), searchTable);
    },
  );
}
