import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, CommandResult, CommandRunner, RunOptions } from '../core/ports.js';
import type { IpLinkJson } from './fake-ip-state.js';
import type { FixtureHost } from './fixture-host.js';
import { dev, net } from './fixture-layout.js';

/** What kind of path frames take: a VF's (the NIC's switch) or a macvlan's (the kernel's). */
export type SimPathKind = 'vf' | 'macvlan';

export interface PktgenSimOptions {
  /** Loss ratio (0..1) of the path at a rate actually sent, `frameSize` counting the FCS. */
  readonly lossAt?: (pps: number, frameSize: number, kind: SimPathKind) => number;
  /** The generator's top speed: it sends min(ratep, this). */
  readonly generatorMaxPps?: number;
  /** Every ping reply's round trip. */
  readonly rttMs?: number;
  /** pktgen threads (`kpktgend_0..N-1`). */
  readonly cpus?: number;
  /** Stray multicast frames (router advertisements, ARP) the receiver counts with each run. */
  readonly multicastPerRun?: number;
  /** Answers instead of the sim when it returns a result: a failing step, a slow kernel. */
  readonly intercept?: (call: SimCall) => CommandResult | undefined;
  /** After the Nth `pgctrl start` (1-based) has sent its frames, before it returns. */
  readonly onStart?: (n: number) => void;
}

export interface SimCall {
  readonly command: string;
  readonly argv: readonly string[];
  readonly input?: string;
}

export interface SimLink {
  readonly ifname: string;
  readonly address: string;
  readonly kind: 'physical' | 'macvlan';
  /** The PF a VF or macvlan sits on: frames switch only between links of one PF. */
  readonly pf: string | null;
  /** The fixture's JSON for the host's `ip -j -d link show`; null for links the sim made. */
  readonly json: IpLinkJson | null;
  readonly pciAddress: string | null;
  netns: string | null;
  up: boolean;
  addrs: string[];
  rx: { packets: number; multicast: number; bytes: number };
}

interface Netns {
  threads: Map<number, string[]>;
  devices: Map<string, PktgenDev>;
}

/** A pktgen device file: its settings and its last result. */
interface PktgenDev {
  readonly ifname: string;
  settings: Record<string, string>;
  result: string;
  sofar: number;
}

const setting = (pd: PktgenDev, key: string, dflt: number) => Number(pd.settings[key] ?? dflt);

/** /proc/net/pktgen/<dev> as the kernel renders it (abridged to what a reader needs). */
function deviceText(pd: PktgenDev): string {
  const size = String(setting(pd, 'pkt_size', 60));
  const ratep = setting(pd, 'ratep', 0);
  const s = (k: string) => pd.settings[k] ?? '';
  return `Params: count ${String(setting(pd, 'count', 1000))}  min_pkt_size: ${size}  max_pkt_size: ${size}
     frags: 0  delay: ${String(ratep === 0 ? 0 : Math.round(1e9 / ratep))}  clone_skb: ${s('clone_skb') || '0'}  ifname: ${pd.ifname}
     flows: 0 flowlen: 0
     dst_min: ${s('dst')}  dst_max: 
     src_min: ${s('src_min')}  src_max: ${s('src_max')}
     src_mac: 00:00:00:00:00:00 dst_mac: ${s('dst_mac')}
     udp_src_min: ${s('udp_src_min')}  udp_src_max: ${s('udp_src_max')}  udp_dst_min: ${s('udp_dst_min')}  udp_dst_max: ${s('udp_dst_max')}
Current:
     pkts-sofar: ${String(pd.sofar)}  errors: 0
     started: 0us  stopped: 0us idle: 0us
Result: ${pd.result}
`;
}

/** Ends a run that sent `sent` frames in `us` µs: the Result line the kernel writes. */
function finishRun(pd: PktgenDev, sent: number, us: number): void {
  const size = setting(pd, 'pkt_size', 60);
  const d = Math.round(us * 0.06);
  const pps = Math.round((sent * 1e6) / Math.max(1, us));
  pd.sofar = sent;
  pd.result = `OK: ${String(us)}(c${String(us - d)}+d${String(d)}) usec, ${String(sent)} (${String(size)}byte,0frags)
  ${String(pps)}pps ${String(Math.floor((pps * size * 8) / 1e6))}Mb/sec (${String(pps * size * 8)}bps) errors: 0`;
}

/** A pktgen run in progress: `pgctrl start` returns when it ends (its count sent, or a stop). */
interface Running {
  readonly netns: string;
  readonly pd: PktgenDev;
  readonly startedAt: number;
  readonly pps: number;
  end: () => void;
}

const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
const fail = (stderr: string, exitCode = 1): CommandResult => ({ exitCode, stdout: '', stderr });

/**
 * A kernel with pktgen for `vfleet bench datapath`, in process, over a
 * fixture host: network namespaces, VF netdevs moved between them (hidden
 * from the host's sysfs while away, as the real sysfs hides them), bridge
 * macvlans, addresses, rx counters, the pktgen files of each namespace and
 * busybox's ping. pktgen's `start` sends `count` frames at min(ratep,
 * generatorMaxPps) to the link with the stream's dst_mac on the same PF,
 * losing `lossAt` of them, and takes count/rate of the clock. Records every
 * call. Tests only; the lab proves the same on a real kernel.
 */
export async function createPktgenSim(host: FixtureHost, options: PktgenSimOptions = {}) {
  const calls: SimCall[] = [];
  const namespaces = new Map<string, Netns>();
  const state = await host.ipState();
  const links: SimLink[] = [];
  for (const l of state.links) {
    const pciAddress = typeof l.parentdev === 'string' ? l.parentdev : null;
    const physfn = pciAddress === null ? null : await host.fs.readLink(`${dev(pciAddress)}/physfn`);
    const pfAddr = physfn?.split('/').pop();
    const pf = state.links.find((p) => p.parentdev === pfAddr)?.ifname ?? null;
    const up = l.flags.includes('UP');
    const rx = { packets: 0, multicast: 0, bytes: 0 };
    links.push({ ...l, kind: 'physical', pf, json: l, pciAddress, netns: null, up, addrs: [], rx });
  }
  let now = Date.UTC(2031, 0, 2, 3, 4, 5);
  let starts = 0;
  let macvlans = 0;
  let seq = 0;
  let pumping = false;
  let loaded = await host.fs.exists('/proc/net/pktgen');
  const running: Running[] = [];
  /**
   * Simulated time: what waits (a sleep, a pktgen run, a ping) is an event;
   * once the code has nothing else to do (a later turn of the event loop),
   * the earliest event happens and the clock jumps to it. No real waiting.
   */
  const events: { at: number; seq: number; fire: () => void }[] = [];
  const step = () => {
    pumping = false;
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const e = events.shift();
    if (e === undefined) return;
    now = Math.max(now, e.at);
    e.fire();
    pump();
  };
  function pump() {
    if (pumping || events.length === 0) return;
    pumping = true;
    setImmediate(step);
  }
  const at = (ms: number, fire: () => void) => {
    events.push({ at: now + ms, seq: seq++, fire });
    pump();
  };
  const wait = (ms: number) =>
    new Promise<void>((r) => {
      at(ms, r);
    });
  const clock: Clock & { readonly slept: number[] } = {
    slept: [],
    now: () => now,
    sleep(ms) {
      clock.slept.push(ms);
      return wait(ms);
    },
  };
  const find = (ns: string | null, name: string) =>
    links.find((l) => l.ifname === name && l.netns === ns);

  /** sysfs in the host's namespace lists only the host's netdevs. */
  async function sysfsMove(l: SimLink, away: boolean): Promise<void> {
    if (l.kind !== 'physical') return;
    const stash = join(host.dir, 'netns-sysfs', l.ifname);
    const places = [
      net(l.ifname),
      ...(l.pciAddress ? [`${dev(l.pciAddress)}/net/${l.ifname}`] : []),
    ];
    for (const [i, p] of places.entries()) {
      const [from, to] = away
        ? [host.files.path(p), `${stash}.${String(i)}`]
        : [`${stash}.${String(i)}`, host.files.path(p)];
      await mkdir(join(to, '..'), { recursive: true });
      await rename(from, to);
    }
  }

  async function moveLink(l: SimLink, to: string | null): Promise<void> {
    if (l.netns === null) await sysfsMove(l, true);
    if (to === null) await sysfsMove(l, false);
    // Like the kernel: a netdev changing namespace is closed and loses its addresses.
    Object.assign(l, { netns: to, up: false, addrs: [] });
  }

  /** Starts sending; resolves when `count` frames are out or a stop ends the run. */
  function startRun(netns: string, pd: PktgenDev): Promise<void> {
    const sender = find(netns, pd.ifname);
    const ratep = setting(pd, 'ratep', 0);
    const pps = Math.min(ratep === 0 ? Infinity : ratep, options.generatorMaxPps ?? Infinity);
    if (sender === undefined || !sender.up || !Number.isFinite(pps)) {
      pd.result = 'Idle';
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const run: Running = { netns, pd, startedAt: now, pps, end: () => undefined };
      run.end = () => {
        if (!running.includes(run)) return;
        running.splice(running.indexOf(run), 1);
        const us = Math.round((now - run.startedAt) * 1000);
        const count = setting(pd, 'count', 1000);
        const sent = Math.min(count, Math.round((pps * us) / 1e6));
        deliver(sender, pd, sent, pps);
        finishRun(pd, sent, us);
        resolve();
      };
      running.push(run);
      at((setting(pd, 'count', 1000) / pps) * 1000, run.end);
    });
  }

  function deliver(sender: SimLink, pd: PktgenDev, sent: number, pps: number): void {
    const frameSize = setting(pd, 'pkt_size', 60) + 4;
    const mac = (pd.settings.dst_mac ?? '').toLowerCase();
    const receiver = links.find(
      (l) => l !== sender && l.up && l.pf === sender.pf && l.address === mac,
    );
    if (receiver === undefined) return;
    const kind = sender.kind === 'macvlan' ? 'macvlan' : 'vf';
    const delivered = sent - Math.round(sent * (options.lossAt?.(pps, frameSize, kind) ?? 0));
    const stray = options.multicastPerRun ?? 0;
    receiver.rx.packets += delivered + stray;
    receiver.rx.multicast += stray;
    receiver.rx.bytes += delivered * (frameSize - 4) + stray * 90;
  }

  async function pktgenWrite(netns: string, file: string, input: string): Promise<CommandResult> {
    const ns = namespaces.get(netns);
    const noFile = fail(`tee: /proc/net/pktgen/${file}: No such file or directory`);
    if (ns === undefined || !loaded) return noFile;
    const [word = '', value = ''] = input.trim().split(/\s+/);
    const thread = /^kpktgend_(\d+)$/.exec(file);
    if (file === 'pgctrl') {
      if (word === 'stop') {
        for (const r of running.filter((x) => x.netns === netns)) r.end();
        return ok(input);
      }
      if (word !== 'start') return fail(`tee: /proc/net/pktgen/pgctrl: Invalid argument`);
      const runs = [...ns.devices.values()].map((pd) => startRun(netns, pd));
      options.onStart?.(++starts);
      await Promise.all(runs);
      return ok(input);
    }
    if (thread !== null) {
      const cpu = Number(thread[1]);
      if (cpu >= (options.cpus ?? 2)) return noFile;
      const mine = ns.threads.get(cpu) ?? [];
      if (word === 'rem_device_all') {
        for (const d of mine) ns.devices.delete(d);
        ns.threads.set(cpu, []);
        return ok(input);
      }
      if (word !== 'add_device') return fail(`tee: /proc/net/pktgen/${file}: Invalid argument`);
      if (find(netns, value) === undefined)
        return fail(`tee: /proc/net/pktgen/${file}: No such device`);
      if (ns.devices.has(value))
        return fail(`tee: /proc/net/pktgen/${file}: Device or resource busy`);
      ns.threads.set(cpu, [...mine, value]);
      ns.devices.set(value, { ifname: value, settings: {}, result: 'Idle', sofar: 0 });
      return ok(input);
    }
    const pd = ns.devices.get(file);
    if (pd === undefined) return noFile;
    const known = [
      'count',
      'ratep',
      'pkt_size',
      'dst',
      'dst_mac',
      'src_min',
      'src_max',
      'clone_skb',
    ];
    if (!known.includes(word) && !/^udp_(src|dst)_(min|max)$/.test(word)) {
      pd.result = `No such parameter "${word}"`;
      return fail(`tee: /proc/net/pktgen/${file}: Invalid argument`);
    }
    pd.settings[word] = value;
    pd.result = `OK: ${word === 'ratep' ? 'rate' : word}=${value}`;
    return ok(input);
  }

  /** busybox's ping, taking its time: one probe per interval, or the deadline when none is answered. */
  async function ping(netns: string, args: readonly string[]): Promise<CommandResult> {
    const opt = (flag: string, d: number) => {
      const i = args.indexOf(flag);
      return i < 0 ? d : Number(args[i + 1]);
    };
    const count = opt('-c', 3);
    const size = opt('-s', 56);
    const ip = args.at(-1) ?? '';
    const from = links.find((l) => l.netns === netns && l.up && l.addrs.length > 0);
    const to = links.find(
      (l) => l.netns !== netns && l.up && l.addrs.some((a) => a.startsWith(`${ip}/`)),
    );
    const head = `PING ${ip} (${ip}): ${String(size)} data bytes\n`;
    const stats = (n: number) =>
      `\n--- ${ip} ping statistics ---\n${String(count)} packets transmitted, ${String(n)} packets received, ${String(100 - (100 * n) / count)}% packet loss\n`;
    if (to === undefined || from?.pf !== to.pf) {
      await wait(opt('-w', 10) * 1000);
      return { exitCode: 1, stdout: head + stats(0), stderr: '' };
    }
    await wait((count - 1) * opt('-i', 1) * 1000 + (options.rttMs ?? 0.927));
    to.rx.packets += count;
    const rtt = (options.rttMs ?? 0.927).toFixed(3);
    const replies = Array.from(
      { length: count },
      (_, i) => `${String(size + 8)} bytes from ${ip}: seq=${String(i)} ttl=64 time=${rtt} ms\n`,
    );
    const summary = `round-trip min/avg/max = ${rtt}/${rtt}/${rtt} ms\n`;
    return ok(head + replies.join('') + stats(count) + summary);
  }

  async function exec(
    netns: string,
    args: readonly string[],
    input: string,
  ): Promise<CommandResult> {
    if (!namespaces.has(netns))
      return fail(`Cannot open network namespace "${netns}": No such file or directory`, 255);
    const [prog, ...rest] = args;
    const file = rest.at(-1)?.replace('/proc/net/pktgen/', '') ?? '';
    if (prog === 'tee') return pktgenWrite(netns, file, input);
    if (prog === 'cat') {
      const pd = namespaces.get(netns)?.devices.get(file);
      return pd === undefined
        ? fail(`cat: /proc/net/pktgen/${file}: No such file or directory`)
        : ok(deviceText(pd));
    }
    if (prog === 'ping') return ping(netns, rest);
    return fail(`pktgen sim: ${String(prog)}: not simulated`, 127);
  }

  const shown = (l: SimLink, stats: boolean) => ({
    ifindex: links.indexOf(l) + 2,
    ifname: l.ifname,
    flags: l.up ? ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] : ['BROADCAST', 'MULTICAST'],
    mtu: 1500,
    operstate: l.up ? 'UP' : 'DOWN',
    link_type: 'ether',
    address: l.address,
    ...(l.kind === 'macvlan' ? { linkinfo: { info_kind: 'macvlan' } } : {}),
    ...(stats ? { stats64: { rx: { ...l.rx, errors: 0, dropped: 0 }, tx: { packets: 0 } } } : {}),
  });

  async function ip(argv: readonly string[], input: string): Promise<CommandResult> {
    let ns: string | null = null;
    const flags = new Set<string>();
    let i = 0;
    for (; argv[i]?.startsWith('-') === true; i++) {
      if (argv[i] === '-n') ns = argv[++i] ?? '';
      else flags.add(argv[i] ?? '');
    }
    const [obj, verb, ...rest] = argv.slice(i);
    if (ns !== null && !namespaces.has(ns))
      return fail(`Cannot open network namespace "${ns}": No such file or directory`, 255);
    if (obj === 'netns' && ns === null) {
      const name = rest[0] ?? '';
      if (verb === 'list') {
        const names = [...namespaces.keys()].map((n) => ({ name: n }));
        return ok(names.length === 0 ? '' : `${JSON.stringify(names)}\n`);
      }
      if (verb === 'add') {
        if (namespaces.has(name))
          return fail(`Cannot create namespace file "/run/netns/${name}": File exists`);
        namespaces.set(name, { threads: new Map(), devices: new Map() });
        return ok();
      }
      if (verb === 'del') {
        if (!namespaces.delete(name))
          return fail(
            `Cannot remove namespace file "/run/netns/${name}": No such file or directory`,
          );
        // Physical netdevs go back to the host; virtual ones die with the namespace.
        for (const l of links.filter((x) => x.netns === name)) {
          if (l.kind === 'macvlan') links.splice(links.indexOf(l), 1);
          else await moveLink(l, null);
        }
        return ok();
      }
      if (verb === 'exec') return exec(name, rest.slice(1), input);
    }
    if (obj === 'link' && verb === 'show') {
      const name = rest[0] === 'dev' ? rest[1] : undefined;
      const here = links.filter((l) => l.netns === ns && (name === undefined || l.ifname === name));
      if (name !== undefined && here.length === 0) return fail(`Device "${name}" does not exist.`);
      if (ns === null && name === undefined)
        return ok(JSON.stringify(here.map((l) => l.json ?? shown(l, false))));
      const lo =
        name === undefined
          ? [{ ifindex: 1, ifname: 'lo', flags: ['LOOPBACK'], link_type: 'loopback' }]
          : [];
      return ok(`${JSON.stringify([...lo, ...here.map((l) => shown(l, flags.has('-s')))])}\n`);
    }
    if (obj === 'link' && verb === 'add') {
      const [, parent = '', , name = '', , type] = rest;
      const pf = find(ns, parent);
      if (pf === undefined) return fail(`Cannot find device "${parent}"`);
      if (name.length > 15)
        return fail(`Error: argument "${name}" is wrong: "name" not a valid ifname`, 255);
      if (find(ns, name) !== undefined) return fail('RTNETLINK answers: File exists', 2);
      if (type !== 'macvlan')
        return fail(`pktgen sim: link type ${String(type)}: not simulated`, 127);
      const mac = `02:5e:00:00:00:${(++macvlans).toString(16).padStart(2, '0')}`;
      const rx = { packets: 0, multicast: 0, bytes: 0 };
      links.push({
        ifname: name,
        address: mac,
        kind: 'macvlan',
        pf: pf.ifname,
        json: null,
        pciAddress: null,
        netns: ns,
        up: false,
        addrs: [],
        rx,
      });
      return ok();
    }
    const l = find(ns, rest[verb === 'set' ? 1 : 0] ?? '');
    if (obj === 'link' && (verb === 'set' || verb === 'del')) {
      if (l === undefined) return fail(`Cannot find device "${String(rest[1] ?? rest[0])}"`);
      if (verb === 'del') {
        links.splice(links.indexOf(l), 1);
        return ok();
      }
      const [what, value = ''] = rest.slice(2);
      if (what === 'up' || what === 'down') l.up = what === 'up';
      else if (what === 'netns') {
        if (value !== '1' && !namespaces.has(value))
          return fail(`Invalid "netns" value "${value}"`, 255);
        await moveLink(l, value === '1' ? null : value);
      } else if (what !== 'addrgenmode')
        return fail(`pktgen sim: link set ${String(what)}: not simulated`, 127);
      return ok();
    }
    if (obj === 'addr' && verb === 'add') {
      const d = find(ns, rest[2] ?? '');
      if (d === undefined) return fail(`Cannot find device "${String(rest[2])}"`);
      d.addrs.push(rest[0] ?? '');
      return ok();
    }
    return fail(`pktgen sim: ip ${argv.join(' ')}: not simulated`, 127);
  }

  const runner: CommandRunner = {
    async run(command: string, argv: readonly string[], o?: RunOptions) {
      const call = {
        command,
        argv: [...argv],
        ...(o?.input === undefined ? {} : { input: o.input }),
      };
      calls.push(call);
      const intercepted = options.intercept?.(call);
      if (intercepted !== undefined) return intercepted;
      if (command === 'ip') return ip(argv, o?.input ?? '');
      if (command === 'modprobe' && argv.join(' ') === 'pktgen') {
        await host.files.dir('/proc/net/pktgen');
        loaded = true;
        return ok();
      }
      return fail(`pktgen sim: ${command}: not simulated`, 127);
    },
  };

  return {
    runner,
    clock,
    calls,
    links,
    /** The `ip` argv of every call, joined by spaces, in order. */
    ipLines: () => calls.filter((c) => c.command === 'ip').map((c) => c.argv.join(' ')),
    /** The pktgen commands written, as `<netns> <file>: <command>`. */
    pktgenWrites: () =>
      calls
        .filter((c) => c.argv[3] === 'tee')
        .map(
          (c) =>
            `${c.argv[2] ?? ''} ${(c.argv[4] ?? '').replace('/proc/net/pktgen/', '')}: ${(c.input ?? '').trim()}`,
        ),
    netnsNames: () => [...namespaces.keys()],
    /** Where each link is: `name@netns`, `name` on the host. */
    placement: () => links.map((l) => (l.netns === null ? l.ifname : `${l.ifname}@${l.netns}`)),
    /** A namespace some earlier run left, holding these netdevs and new macvlans on `pf`. */
    async leftBehind(name: string, netdevs: readonly string[], macvlanOn?: string) {
      namespaces.set(name, { threads: new Map(), devices: new Map() });
      for (const n of netdevs) {
        const l = find(null, n);
        if (l === undefined) throw new Error(`pktgen sim: no netdev ${n} on the host`);
        await moveLink(l, name);
      }
      if (macvlanOn !== undefined) {
        const r = await ip(
          ['link', 'add', 'link', macvlanOn, 'name', `${name.slice(-6)}mv`, 'type', 'macvlan'],
          '',
        );
        if (r.exitCode !== 0) throw new Error(r.stderr);
        await ip(['link', 'set', 'dev', `${name.slice(-6)}mv`, 'netns', name], '');
      }
    },
  };
}

export type PktgenSim = Awaited<ReturnType<typeof createPktgenSim>>;
