import {
  NESTED_SERIAL,
  bootNested,
  nestedSays,
  prepareNested,
  startLibvirtLabFleet,
  until,
  type LibvirtLabFleet,
} from '../testing/libvirt-lab-fleet.js';

/**
 * Issue 15's figures, on real libvirt and QEMU with real VFs, in the lab
 * (`vfleet up --lab --lab-libvirt --lab-hosts 2`): how long `vfleet
 * instance boot` takes until libvirt runs the domain, how long the nested
 * guest takes to boot and report its VF, and for each live migration (there
 * and back) the end-to-end time, libvirt's own time and the guest's pause,
 * and when the guest sees its new VF. All of it is emulation inside
 * emulation on this machine (no KVM): the figures say what the lab costs,
 * not what a datapath does.
 */
const MIGRATIONS = 2;

interface Migration {
  readonly from: string;
  readonly to: string;
  readonly endToEndMs: number;
  readonly libvirtElapsedMs: number | null;
  readonly guestPauseMs: number | null;
  readonly vfBackInGuestMs: number;
}

/** A figure of `virsh domjobinfo --completed` in ms, or null when libvirt did not give it. */
const jobMs = (job: string, label: string): number | null => {
  const m = new RegExp(`^${label}:\\s+(\\d+)\\s+ms`, 'm').exec(job);
  return m === null ? null : Number(m[1]);
};

async function migrateOnce(fleet: LibvirtLabFleet, domain: string, mac: string, to: string) {
  // What the guest printed when it last ran there is no news (QEMU may append to it).
  await fleet.on(to, `rm -f ${NESTED_SERIAL}`);
  const started = Date.now();
  await fleet.ok(['instance', 'migrate', 'nested', '--to', to]);
  const endToEndMs = Date.now() - started;
  const job = await fleet.virsh(to, `domjobinfo --completed ${domain}`).catch(() => '');
  await until('the guest to see its new VF', 300_000, async () =>
    (await nestedSays(fleet, to)).nics.includes(`0x8086:0x10ca igbvf ${mac}`) ? true : null,
  );
  return {
    endToEndMs,
    libvirtElapsedMs: jobMs(job, 'Time elapsed'),
    guestPauseMs: jobMs(job, 'Total downtime'),
    vfBackInGuestMs: Date.now() - started,
  };
}

export async function nestedVmBench() {
  const upStarted = Date.now();
  const fleet = await startLibvirtLabFleet({ name: `nb${String(process.pid)}`, hosts: 2, pfs: 1 });
  try {
    const labUpMs = Date.now() - upStarted;
    const token = await prepareNested(fleet, [['igb', '--driver', 'igb', '--num-vfs', '2']]);
    const started = Date.now();
    const booted = (await bootNested(fleet, token, 'nested', ['blue,standby-bridge=br0'])) as {
      host: string;
      ports: { mac: string }[];
      vm: { domain: string };
    };
    const bootToRunningMs = Date.now() - started;
    const mac = booted.ports[0]?.mac ?? '';
    await until('the nested guest to report its VF', 900_000, async () =>
      (await nestedSays(fleet, booted.host)).nics.includes(`0x8086:0x10ca igbvf ${mac}`)
        ? true
        : null,
    );
    const nestedBootMs = Date.now() - started;
    const migrations: Migration[] = [];
    let at = booted.host;
    for (let i = 0; i < MIGRATIONS; i++) {
      const to = fleet.hosts.find((h) => h !== at) ?? at;
      migrations.push({ from: at, to, ...(await migrateOnce(fleet, booted.vm.domain, mac, to)) });
      at = to;
    }
    await fleet.ok(['instance', 'delete', 'nested', '--wait']);
    await fleet.stop();
    return {
      note: 'emulation figures: two lab guests (TCG) each running libvirt with QEMU (TCG), a 160 MiB nested guest with a VF port and a virtio standby; not datapath figures',
      labUpTwoHostsJoinedMs: labUpMs,
      bootToRunningMs,
      nestedBootToVfMs: nestedBootMs,
      migrations,
    };
  } finally {
    await fleet.cleanup();
  }
}
