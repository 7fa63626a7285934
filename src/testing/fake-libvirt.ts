import { readFileSync } from 'node:fs';
import { parseXml } from '../core/libvirt/xml-parse.js';
import { attrOf, childElements, textOf, type XmlElement } from '../core/libvirt/xml-tree.js';
import type { CommandResult, CommandRunner } from '../core/ports.js';

/**
 * libvirt on several hosts as `virsh` shows it, for agents in tests: a
 * CommandRunner answering the virsh commands vfleet's driver runs, on a
 * world shared by every host (keyed by the `--connect` URI), with libvirt's
 * rules where vfleet relies on them: names are unique per host, a running
 * domain cannot be defined twice or started, only a running domain takes
 * live device changes, and a domain with a PCI hostdev attached refuses to
 * migrate. Every call is recorded; `failNext` makes one call fail.
 */
export interface FakeDomain {
  xml: string;
  state: 'running' | 'shut off';
  /** Aliases of devices attached live, with their XML. */
  readonly live: Map<string, string>;
  /** CPU lists set with `vcpupin`/`emulatorpin --live` (`vcpu0`, `emulator`). */
  readonly livePins: Map<string, string>;
}

export interface VirshCall {
  readonly uri: string;
  readonly argv: readonly string[];
  /** The document a `--file` argument named, read when the call ran. */
  readonly doc: string | null;
}

const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
const fail = (msg: string): CommandResult => ({
  exitCode: 1,
  stdout: '',
  stderr: `error: ${msg}\n`,
});

function aliasOf(dev: XmlElement): string | null {
  const a = childElements(dev, 'alias')[0];
  return a === undefined ? null : (attrOf(a, 'name') ?? null);
}

/** Devices of a domain document by alias (those vfleet names `ua-...`). */
function devicesOf(xml: string): Map<string, string> {
  const root = parseXml(xml, 'domain');
  const devices = childElements(root, 'devices')[0];
  const out = new Map<string, string>();
  for (const d of devices === undefined ? [] : childElements(devices)) {
    const alias = aliasOf(d);
    if (alias !== null) out.set(alias, `${d.name}:${attrOf(d, 'type') ?? ''}`);
  }
  return out;
}

/** A device kept as `element:type` (defined) or its XML (attached): either names hostdev. */
const isHostdev = (dev: string): boolean => dev.includes('hostdev');

export class FakeLibvirt {
  /** uri -> domain name -> domain */
  readonly hosts = new Map<string, Map<string, FakeDomain>>();
  readonly calls: VirshCall[] = [];
  /** Substring of `uri argv...`: the next call that matches fails with this message. */
  private faults: { match: string; message: string }[] = [];

  constructor(uris: readonly string[]) {
    for (const u of uris) this.hosts.set(u, new Map());
  }

  failNext(match: string, message = 'internal error: injected failure'): void {
    this.faults.push({ match, message });
  }

  domains(uri: string): Map<string, FakeDomain> {
    const h = this.hosts.get(uri);
    if (h === undefined) throw new Error(`no fake libvirt host ${uri}`);
    return h;
  }

  /** A runner for one host's agent; every host shares this world. */
  runner(uri: string): CommandRunner {
    return {
      run: (command, args) => {
        if (command !== 'virsh') return Promise.resolve(fail(`not virsh: ${command}`));
        const argv = args[0] === '--connect' ? args.slice(2) : [...args];
        const target = args[0] === '--connect' ? (args[1] ?? uri) : uri;
        const at = argv.indexOf('--file');
        const file = at >= 0 ? argv[at + 1] : undefined;
        const doc = file === undefined ? null : readFileSync(file, 'utf8');
        this.calls.push({ uri: target, argv: argv.filter((a) => a !== file), doc });
        const key = `${target} ${argv.join(' ')}`;
        const fault = this.faults.findIndex((f) => key.includes(f.match));
        if (fault >= 0) {
          const [f] = this.faults.splice(fault, 1);
          return Promise.resolve(fail(f?.message ?? 'injected'));
        }
        return Promise.resolve(this.exec(target, argv, doc));
      },
    };
  }

  private exec(uri: string, argv: readonly string[], doc: string | null): CommandResult {
    const doms = this.hosts.get(uri);
    if (doms === undefined) return fail(`failed to connect to the hypervisor ${uri}`);
    const opt = (name: string) => {
      const i = argv.indexOf(name);
      return i >= 0 ? argv[i + 1] : undefined;
    };
    const name = opt('--domain') ?? '';
    const dom = doms.get(name);
    const missing = () => fail(`failed to get domain '${name}'`);
    switch (argv[0]) {
      case 'uri':
        return ok(`${uri}\n`);
      case 'define': {
        const root = parseXml(doc ?? '', 'domain');
        const n = textOf(childElements(root, 'name')[0] ?? root);
        const prev = doms.get(n);
        doms.set(n, {
          xml: doc ?? '',
          state: prev?.state ?? 'shut off',
          live: prev?.live ?? new Map<string, string>(),
          livePins: prev?.livePins ?? new Map<string, string>(),
        });
        return ok(`Domain '${n}' defined from file\n`);
      }
      case 'start':
        if (dom === undefined) return missing();
        if (dom.state === 'running')
          return fail('Requested operation is not valid: domain is already running');
        dom.state = 'running';
        dom.live.clear();
        for (const [alias, kind] of devicesOf(dom.xml)) dom.live.set(alias, kind);
        return ok();
      case 'destroy':
        if (dom === undefined) return missing();
        if (dom.state !== 'running')
          return fail('Requested operation is not valid: domain is not running');
        dom.state = 'shut off';
        dom.live.clear();
        return ok();
      case 'undefine':
        if (dom === undefined) return missing();
        doms.delete(name);
        return ok();
      case 'domstate':
        return dom === undefined ? missing() : ok(`${dom.state}\n`);
      case 'dumpxml': {
        // The live devices by alias: what the driver's detach wait looks for.
        if (dom === undefined) return missing();
        const devices = [...dom.live.keys()].map((a) => `<device><alias name='${a}'/></device>`);
        return ok(`<domain><name>${name}</name><devices>${devices.join('')}</devices></domain>\n`);
      }
      case 'attach-device':
      case 'detach-device': {
        if (dom === undefined) return missing();
        const dev = parseXml(doc ?? '', 'device');
        const alias = aliasOf(dev) ?? '?';
        if (argv.includes('--live')) {
          if (dom.state !== 'running')
            return fail('Requested operation is not valid: domain is not running');
          if (argv[0] === 'attach-device') {
            if (dom.live.has(alias))
              return fail(`operation failed: device ${alias} already exists`);
            dom.live.set(alias, doc ?? '');
          } else if (!dom.live.delete(alias)) return fail(`operation failed: no device ${alias}`);
        }
        return ok();
      }
      case 'vcpupin':
      case 'emulatorpin':
        if (dom === undefined) return missing();
        if (dom.state !== 'running')
          return fail('Requested operation is not valid: domain is not running');
        dom.livePins.set(
          argv[0] === 'vcpupin' ? `vcpu${opt('--vcpu') ?? '?'}` : 'emulator',
          opt('--cpulist') ?? '',
        );
        return ok();
      case 'migrate': {
        if (dom === undefined) return missing();
        const dest = opt('--desturi') ?? '';
        const there = this.hosts.get(dest);
        if (there === undefined) return fail(`failed to connect to the hypervisor ${dest}`);
        if (dom.state !== 'running')
          return fail('Requested operation is not valid: domain is not running');
        if ([...dom.live.values()].some(isHostdev))
          return fail('Requested operation is not valid: domain has assigned non-USB host devices');
        there.set(name, {
          xml: dom.xml,
          state: 'running',
          live: new Map(dom.live),
          livePins: new Map(dom.livePins),
        });
        if (argv.includes('--undefinesource')) doms.delete(name);
        return ok();
      }
      default:
        return fail(`unknown command ${argv[0] ?? ''}`);
    }
  }
}
