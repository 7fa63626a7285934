import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NESTED_KERNEL,
  NESTED_CMDLINE,
  NESTED_INITRD_COMMAND,
  NESTED_PREFIX,
} from '../lab/guest/guest-files.js';
import { spawnVfleet, vfleetBin, type VfleetProcess } from './built-cli.js';
import { buildFixtureHost, type FixtureHost } from './fixture-host.js';
import { guestOk, newLab } from './lab-kit.js';
import { AGENT_LOG } from '../cli/up-lab-join.js';

/**
 * `vfleet up --lab --lab-libvirt` as a user runs it (the built binary, a
 * child process), for the lab suites and benches that boot real domains
 * (issue 15): lab guests with libvirtd whose agents join, and the built CLI
 * to drive them. This machine's own agent reads a fixture host without PFs,
 * so nothing here touches the real host.
 */
export const NESTED_SERIAL = '/tmp/nested-serial.log';
/** The router VM's console: a second nested guest beside the first one. */
export const ROUTER_SERIAL = '/tmp/router-serial.log';
export const NESTED_INITRD = '/tmp/nested.img';

/** A trusted token's own domain: the lab's kernel booted directly, the serial console to a file. */
export const nestedBaseXml = (serial: string) => `<domain type='qemu'>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>${NESTED_KERNEL}</kernel>
    <initrd>${NESTED_INITRD}</initrd>
    <cmdline>${NESTED_CMDLINE}</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <cpu mode='maximum'/>
  <devices>
    <serial type='file'><source path='${serial}'/></serial>
  </devices>
</domain>
`;
export const NESTED_BASE_XML = nestedBaseXml(NESTED_SERIAL);

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  /** stdout then stderr: everything the user saw. */
  readonly out: string;
}

export interface LibvirtLabFleet {
  /** The lab hosts, in order: lab-NAME, lab-NAME-2, ... */
  readonly hosts: readonly string[];
  /** A file holding NESTED_BASE_XML, for `--domain-xml`. */
  readonly baseXml: string;
  /** The same with the console in ROUTER_SERIAL, for a second guest. */
  readonly routerXml: string;
  /** The built CLI against this fleet, as the token given (default: admin): exit code and output. */
  run(args: readonly string[], token?: string): Promise<Ran>;
  /** Like run, but it must succeed; returns its stdout. */
  ok(args: readonly string[], token?: string): Promise<string>;
  /** A shell script in a lab host's guest; must succeed. */
  on(host: string, script: string): Promise<string>;
  virsh(host: string, args: string): Promise<string>;
  /** Stops `vfleet up` (which ends the guests); true when it exited cleanly. */
  stop(): Promise<boolean>;
  /** Whatever happened: the process killed, the guests and files gone. */
  cleanup(): Promise<void>;
}

export async function startLibvirtLabFleet(o: {
  readonly name: string;
  readonly hosts: number;
  readonly pfs: number;
}): Promise<LibvirtLabFleet> {
  const lab = newLab();
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-libvirt-lab-'));
  const labs = [o.name, ...Array.from({ length: o.hosts - 1 }, (_, i) => `${o.name}-${i + 2}`)];
  const hosts = labs.map((l) => `lab-${l}`);
  let local: FixtureHost | undefined;
  let up: VfleetProcess | undefined;
  const cleanup = async () => {
    await up?.stop('SIGKILL');
    // A killed `vfleet up` cannot stop its guests: a failed run must not leave them to the next.
    for (const l of labs) await lab.down(l).catch(() => undefined);
    await local?.cleanup();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    local = await buildFixtureHost({ hostname: `${o.name}-local`, pfs: [] });
    const baseXml = join(dir, 'base.xml');
    await writeFile(baseXml, NESTED_BASE_XML);
    const routerXml = join(dir, 'router.xml');
    await writeFile(routerXml, nestedBaseXml(ROUTER_SERIAL));
    up = spawnVfleet(
      [
        'up',
        '--lab',
        '--lab-libvirt',
        '--lab-hosts',
        String(o.hosts),
        '--lab-name',
        o.name,
        '--lab-pfs',
        String(o.pfs),
        '--listen',
        '127.0.0.1:0',
        '--data-dir',
        join(dir, 'data'),
        '--host-root',
        local.root,
      ],
      { VFLEET_URL: '', VFLEET_TOKEN: '', VFLEET_DATA_DIR: '' },
    );
    const url = (await up.waitFor(/controller: (http:\/\/127\.0\.0\.1:\d+)/, 120_000))[1] ?? '';
    for (const host of hosts)
      await up.waitFor(new RegExp(`agent: lab host ${host} joined`), 900_000);
    const admin = (await readFile(join(dir, 'data', 'admin-token'), 'utf8')).trim();
    const run = (args: readonly string[], token = admin): Promise<Ran> =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          [vfleetBin, ...args],
          {
            env: { ...process.env, VFLEET_URL: url, VFLEET_TOKEN: token, VFLEET_DATA_DIR: '' },
            timeout: 900_000,
          },
          (e, stdout, stderr) => {
            const code = e === null ? 0 : typeof e.code === 'number' ? e.code : -1;
            resolve({ code, stdout, out: `${stdout}${stderr}` });
          },
        );
      });
    const labOf = (host: string) => labs[hosts.indexOf(host)] ?? host;
    const on = (host: string, script: string) => guestOk(lab, labOf(host), script);
    const running = up;
    return {
      hosts,
      baseXml,
      routerXml,
      run,
      async ok(args, token) {
        const r = await run(args, token);
        if (r.code === 0) return r.stdout;
        // What the agents were doing is what a failed wait needs (CI once saw an apply that never ended).
        const logs: string[] = [];
        for (const h of hosts)
          logs.push(
            `${h} ${AGENT_LOG} ends:\n${await on(h, `tail -n 40 ${AGENT_LOG}`).catch(String)}`,
          );
        throw new Error(
          `vfleet ${args.join(' ')}: exit ${String(r.code)}\n${r.out}\n${logs.join('\n')}`,
        );
      },
      on,
      virsh: (host, args) => on(host, `LC_ALL=C virsh ${args}`),
      stop: async () => (await running.stop('SIGTERM', 120_000)) === 0,
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** A token of tenant `tenant` with the trusted domain policy: its domain XML may name host paths. */
export async function trustedToken(fleet: LibvirtLabFleet, tenant: string): Promise<string> {
  const out = await fleet.ok([
    'token',
    'create',
    `${tenant}-ops`,
    '--role',
    'tenant',
    '--tenant',
    tenant,
    '--domain-policy',
    'trusted',
    '-o',
    'json',
  ]);
  return (JSON.parse(out) as { token: string }).token;
}

/**
 * The lab suites' catalog: physnet p1 (VLANs 100-199) with the given specs
 * (`spec create` arguments after the name's place, physnet added), network
 * blue of tenant acme (VLAN 100), and on each host the nested guest's
 * initramfs and a bridge br0 for virtio NICs. Returns a trusted token of acme.
 */
export async function prepareNested(
  fleet: LibvirtLabFleet,
  specs: readonly (readonly string[])[],
): Promise<string> {
  await fleet.ok(['physnet', 'create', 'p1', '--vlan-range', '100-199']);
  for (const spec of specs)
    await fleet.ok(['spec', 'create', ...spec, '--physnet', 'p1', '--wait']);
  await fleet.ok(['network', 'create', 'blue', '--physnet', 'p1', '--tenant', 'acme']);
  for (const h of fleet.hosts)
    await fleet.on(
      h,
      `${NESTED_INITRD_COMMAND} ${NESTED_INITRD} && ip link add br0 type bridge && ip link set br0 up`,
    );
  return trustedToken(fleet, 'acme');
}

/** `vfleet instance boot NAME` of a nested guest (1 vCPU, 160 MiB, NESTED_BASE_XML) with `ports`; its JSON. */
export async function bootNested(
  fleet: LibvirtLabFleet,
  token: string,
  name: string,
  ports: readonly string[],
): Promise<unknown> {
  const args = ['instance', 'boot', name, '--vcpus', '1', '--memory-mb', '160'];
  for (const p of ports) args.push('--port', p);
  args.push('--domain-xml', fleet.baseXml, '-o', 'json');
  return JSON.parse(await fleet.ok(args, token)) as unknown;
}

/** One suite's fleet: started in the test, ended in afterAll whatever happened. */
export function fleetSlot() {
  let fleet: LibvirtLabFleet | undefined;
  return {
    get current(): LibvirtLabFleet {
      if (fleet === undefined) throw new Error('the fleet is not up');
      return fleet;
    },
    async start(o: Parameters<typeof startLibvirtLabFleet>[0]): Promise<LibvirtLabFleet> {
      fleet = await startLibvirtLabFleet(o);
      return fleet;
    },
    cleanup: async () => {
      await fleet?.cleanup();
    },
  };
}

export interface NestedReport {
  /** Lines read, to start after them next time. */
  readonly count: number;
  /** Each NIC reported: `vendor:device driver MAC [sriov N]`. */
  readonly nics: readonly string[];
  readonly uptimes: readonly number[];
  /** The cloud-init seed it read from its CD-ROM: `INSTANCE-ID HOSTNAME`. */
  readonly seeds: readonly string[];
  /** Each address the seed gave: `NAME MAC CIDR`. */
  readonly addrs: readonly string[];
}

/** What a nested guest on `host` printed on its serial console (`serial`), after line `from`. */
export async function nestedSays(
  fleet: LibvirtLabFleet,
  host: string,
  from = 0,
  serial = NESTED_SERIAL,
): Promise<NestedReport> {
  const lines = (await fleet.on(host, `cat ${serial} 2>/dev/null || true`))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(NESTED_PREFIX))
    .slice(from);
  const fields = (l: string) => l.split(/\s+/);
  const saying = (word: string) =>
    lines.filter((l) => fields(l)[1] === word).map((l) => fields(l).slice(2).join(' '));
  return {
    count: lines.length,
    nics: lines.filter((l) => l.includes(' nic ')).map((l) => fields(l).slice(3).join(' ')),
    uptimes: lines.filter((l) => l.includes(' up ')).map((l) => Number(fields(l)[2])),
    seeds: saying('seed'),
    addrs: saying('addr'),
  };
}

/** Polls `probe` each second until it gives a value; fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | null>,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
