/**
 * What an agent says about its host must describe one possible host before
 * the controller keeps any of it: the store keys VFs by (PF, index) and
 * claims them by PCI address, so a report with two VFs on one address or
 * one index would offer one device twice, or fail half-way through.
 * Shapes and ranges are the schema's job; these are the checks that span
 * fields. Each problem names the field as the request body spells it.
 */
import { VfleetError } from '../errors.js';

export interface ReportProblem {
  readonly field: string;
  readonly reason: string;
}

export interface CheckedReport {
  readonly inventory: {
    readonly pfs: readonly {
      readonly pciAddress: string;
      readonly totalVfs: number;
      readonly numVfs: number;
      readonly localCpuList?: readonly number[] | undefined;
      readonly vfs: readonly { readonly index: number; readonly pciAddress: string }[];
    }[];
  };
  readonly numaNodes: readonly {
    readonly node: number;
    readonly cpus: number;
    readonly cpuList?: readonly number[] | undefined;
  }[];
}

export function reportProblems(r: CheckedReport): ReportProblem[] {
  const problems: ReportProblem[] = [];
  const add = (field: string, reason: string) => problems.push({ field, reason });
  // One PCI address is one device: across every PF and VF of the host.
  const owner = new Map<string, string>();
  const claim = (address: string, field: string) => {
    const first = owner.get(address);
    if (first === undefined) owner.set(address, field);
    else add(`${field}.pciAddress`, `PCI address ${address} is already ${first}`);
  };
  r.inventory.pfs.forEach((pf, i) => {
    const at = `inventory.pfs[${i}]`;
    claim(pf.pciAddress, at);
    if (pf.vfs.length > pf.numVfs)
      add(`${at}.vfs`, `${pf.vfs.length} VFs listed but numVfs is ${pf.numVfs}`);
    const indexes = new Set<number>();
    pf.vfs.forEach((vf, j) => {
      const vfAt = `${at}.vfs[${j}]`;
      if (indexes.has(vf.index)) add(`${vfAt}.index`, `VF index ${vf.index} is listed twice`);
      else if (vf.index >= pf.totalVfs)
        add(`${vfAt}.index`, `VF index ${vf.index} is not below totalVfs ${pf.totalVfs}`);
      else if (vf.index >= pf.numVfs)
        add(`${vfAt}.index`, `VF index ${vf.index} is not below numVfs ${pf.numVfs}`);
      indexes.add(vf.index);
      claim(vf.pciAddress, vfAt);
    });
    if (pf.localCpuList !== undefined) cpuListProblems(pf.localCpuList, `${at}.localCpuList`, add);
  });
  const nodes = new Set<number>();
  const cpuNode = new Map<number, number>();
  r.numaNodes.forEach((n, i) => {
    const at = `numaNodes[${i}]`;
    if (nodes.has(n.node)) add(`${at}.node`, `NUMA node ${n.node} is listed twice`);
    nodes.add(n.node);
    if (n.cpuList === undefined) return;
    if (n.cpus !== n.cpuList.length)
      add(`${at}.cpus`, `cpus is ${n.cpus} but cpuList has ${n.cpuList.length} CPU(s)`);
    cpuListProblems(n.cpuList, `${at}.cpuList`, add);
    n.cpuList.forEach((cpu, j) => {
      const other = cpuNode.get(cpu);
      if (other !== undefined && other !== n.node)
        add(`${at}.cpuList[${j}]`, `CPU ${cpu} is already on NUMA node ${other}`);
      else cpuNode.set(cpu, n.node);
    });
  });
  return problems;
}

function cpuListProblems(
  cpus: readonly number[],
  at: string,
  add: (field: string, reason: string) => void,
): void {
  const seen = new Set<number>();
  cpus.forEach((cpu, j) => {
    if (seen.has(cpu)) add(`${at}[${j}]`, `CPU ${cpu} is listed twice`);
    seen.add(cpu);
  });
}

/** An apply result: each failed VF and each domain said once. */
export function appliedProblems(a: {
  readonly failedVfs: readonly string[];
  readonly domains: readonly { readonly instanceId: string }[];
}): ReportProblem[] {
  const problems: ReportProblem[] = [];
  const once = <T>(items: readonly T[], key: (t: T) => string, field: (j: number) => string) => {
    const seen = new Set<string>();
    items.forEach((item, j) => {
      const k = key(item);
      if (seen.has(k)) problems.push({ field: field(j), reason: `${k} is listed twice` });
      seen.add(k);
    });
  };
  once(
    a.failedVfs,
    (v) => v,
    (j) => `failedVfs[${j}]`,
  );
  once(
    a.domains,
    (d) => d.instanceId,
    (j) => `domains[${j}].instanceId`,
  );
  return problems;
}

/** INVALID_INPUT naming the first field at fault and listing every problem, as the schemas do. */
export function refuseProblems(problems: readonly ReportProblem[], what: string): void {
  const first = problems[0];
  if (first === undefined) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  throw new VfleetError('INVALID_INPUT', `${what}: ${first.field}: ${first.reason}${more}`, {
    field: first.field,
    problems,
  });
}
