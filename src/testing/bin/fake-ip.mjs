// A stand-in for iproute2's `ip` on fixture hosts (tests only). It replays a
// captured `ip -j -d link show`, applies `link set ... [vf N ...]` to that
// state the way the kernel would, rejects what the fixture says the driver
// does not support, and records every argv (and batch line) to a log.
import { appendFileSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const fail = (msg, code = 2) => {
  process.stderr.write(`${msg}\n`);
  return code;
};

export function main(statePath, argv) {
  const before = readFileSync(statePath, 'utf8');
  const state = JSON.parse(before);
  appendFileSync(state.log, `${JSON.stringify({ argv })}\n`);
  let args = [...argv];
  const opts = new Set();
  while (args[0]?.startsWith('-') && args[0] !== '-batch') opts.add(args.shift());
  let code;
  if (args[0] === '-batch') {
    const lines = readFileSync(0, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    code = 0;
    for (const [i, line] of lines.entries()) {
      appendFileSync(state.log, `${JSON.stringify({ batch: line })}\n`);
      const rc = command(state, line.trim().split(/\s+/), opts);
      if (rc !== 0) {
        process.stderr.write(`Command failed -:${i + 1}\n`);
        code = 1;
        if (!opts.has('-force')) break;
      }
    }
  } else {
    code = command(state, args, opts);
  }
  // Only a change is written back, and atomically: a `show` running beside a
  // `batch` (scan during apply) must neither read a half-written file nor put
  // back the state it read before the batch's changes.
  const after = JSON.stringify(state, null, 1);
  if (after !== before) {
    const tmp = `${statePath}.${String(process.pid)}.tmp`;
    writeFileSync(tmp, after);
    renameSync(tmp, statePath);
  }
  process.exitCode = code;
}

function command(state, args, opts) {
  if (args[0] === 'link' && (args[1] === 'show' || args.length === 1)) {
    const devIdx = args.indexOf('dev');
    const name = devIdx >= 0 ? args[devIdx + 1] : args[2];
    const links = name ? state.links.filter((l) => l.ifname === name) : state.links;
    if (name && links.length === 0) return fail(`Device "${name}" does not exist.`, 1);
    if (opts.has('-j'))
      process.stdout.write(`${JSON.stringify(links.map((l) => shown(l, opts)))}\n`);
    else
      for (const l of links)
        process.stdout.write(`${l.ifindex}: ${l.ifname}: <${(l.flags ?? []).join(',')}>\n`);
    return 0;
  }
  if (args[0] === 'link' && args[1] === 'set') return linkSet(state, args.slice(2));
  return fail(`Object "${args[0]}" is unknown, try "ip help".`, 1);
}

// A VF's counters live in the state as `stats` (a test bumps them there);
// like the kernel, `ip` prints them only with -s, zero until traffic moves.
const NO_TRAFFIC = {
  rx: { bytes: 0, packets: 0, multicast: 0, broadcast: 0, dropped: 0 },
  tx: { tx_bytes: 0, tx_packets: 0, dropped: 0 },
};

function shown(link, opts) {
  if (!link.vfinfo_list) return link;
  const vfinfo_list = link.vfinfo_list.map(({ stats, ...vf }) =>
    opts.has('-s') ? { ...vf, stats: stats ?? NO_TRAFFIC } : vf,
  );
  return { ...link, vfinfo_list };
}

function linkSet(state, args) {
  const name = args[0] === 'dev' ? args[1] : args[0];
  const rest = args.slice(args[0] === 'dev' ? 2 : 1);
  const link = state.links.find((l) => l.ifname === name);
  if (!link) return fail(`Cannot find device "${name}"`, 1);
  if (rest[0] === 'up' || rest[0] === 'down') return setAdmin(state, link, rest[0] === 'up');
  if (rest[0] !== 'vf') return fail(`fake ip: unsupported: link set ${rest.join(' ')}`, 1);
  const index = Number(rest[1]);
  const vf = (link.vfinfo_list ?? []).find((v) => v.vf === index);
  if (!vf) return fail('RTNETLINK answers: Invalid argument');
  const unsupported = state.unsupported?.[name] ?? [];
  const words = rest.slice(2);
  for (let i = 0; i < words.length; i += 2) {
    const key = words[i];
    const value = words[i + 1];
    if (unsupported.includes(key)) return fail('RTNETLINK answers: Operation not supported');
    // igb refuses VF rates while the PF has no link (seen on the real kernel).
    if (
      key.endsWith('tx_rate') &&
      (state.rateNeedsCarrier ?? []).includes(name) &&
      !hasCarrier(state, name)
    ) {
      return fail('RTNETLINK answers: Invalid argument');
    }
    if (value === undefined) return fail(`Error: argument "${key}" is wrong: missing value`, 1);
    switch (key) {
      case 'mac':
        vf.address = value.toLowerCase();
        break;
      case 'vlan': {
        const tag = { vlan: Number(value) };
        while (words[i + 2] === 'qos' || words[i + 2] === 'proto') {
          if (words[i + 2] === 'qos') tag.qos = Number(words[i + 3]);
          else tag.protocol = words[i + 3];
          i += 2;
        }
        if (!(tag.vlan >= 0 && tag.vlan <= 4095)) return fail('Error: Invalid "vlan" value', 1);
        vf.vlan_list = tag.vlan === 0 ? [{}] : [tag];
        break;
      }
      case 'spoofchk':
        vf.spoofchk = value === 'on';
        break;
      case 'trust':
        vf.trust = value === 'on';
        break;
      case 'state':
        vf.link_state = value;
        break;
      case 'max_tx_rate':
        vf.rate = { ...(vf.rate ?? { min_tx: 0 }), max_tx: Number(value) };
        break;
      case 'min_tx_rate':
        vf.rate = { ...(vf.rate ?? { max_tx: 0 }), min_tx: Number(value) };
        break;
      default:
        return fail(`Error: argument "${key}" is wrong: unknown vf attribute`, 1);
    }
  }
  return 0;
}

function hasCarrier(state, name) {
  const p = join(state.root, 'sys/class/net', name, 'carrier');
  return existsSync(p) && readFileSync(p, 'utf8').trim() === '1';
}

function setAdmin(state, link, up) {
  const flags = new Set(link.flags ?? []);
  if (up) flags.add('UP');
  else flags.delete('UP');
  if (up && link.carrier !== false) flags.add('LOWER_UP');
  else flags.delete('LOWER_UP');
  link.flags = [...flags];
  link.operstate = up && link.carrier !== false ? 'UP' : 'DOWN';
  // The kernel reflects the same change in sysfs, which is where vfleet reads it.
  const dir = join(state.root, 'sys/class/net', link.ifname);
  if (existsSync(dir)) {
    writeFileSync(join(dir, 'flags'), up ? '0x1003\n' : '0x1002\n');
    writeFileSync(join(dir, 'operstate'), up && link.carrier !== false ? 'up\n' : 'down\n');
    writeFileSync(join(dir, 'carrier'), up && link.carrier !== false ? '1\n' : '0\n');
  }
  return 0;
}
