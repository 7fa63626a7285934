import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { guestOk, newLab, writeGuestFile } from '../testing/lab-kit.js';
import { round, summarize } from './stats.js';

const NAME = `bench${process.pid}`;
const PF = '0000:01:00.0';
const RUNS = 3;
const mac = (i: number) => `fa:16:3e:00:10:0${i}`;

// 7 VFs (igb's maximum), every one configured: the apply the issue asks to compare.
const STATE = `pfs:
  - pciAddress: "${PF}"
    numVfs: 7
    vfDriver: kernel
    vfs:
${Array.from({ length: 7 }, (_, i) => `      - { index: ${i}, mac: "${mac(i)}", vlan: ${100 + i}, qos: 1, spoofchk: true, trust: ${i % 2 === 0}, maxTxRate: ${100 * (i + 1)} }`).join('\n')}
`;

// The physical floor: the same sysfs writes and ip calls, by hand, in the same guest.
const SCRIPT = `set -e
d=/sys/bus/pci/devices/${PF}
ip link set eth0 up
echo 7 > $d/sriov_numvfs
i=0; while [ $i -lt 7 ]; do
  while [ ! -e $d/virtfn$i/driver ]; do sleep 0.01; done
  i=$((i+1))
done
${Array.from({ length: 7 }, (_, i) => `ip link set eth0 vf ${i} mac ${mac(i)} vlan ${100 + i} qos 1 spoofchk on trust ${i % 2 === 0 ? 'on' : 'off'} max_tx_rate ${100 * (i + 1)}`).join('\n')}
`;

/** Lab figures: time to a ready guest, and apply overhead against a plain shell script. */
export async function labBench() {
  const lab = newLab();
  await lab.build();
  const up = await lab.up({ name: NAME, pfs: 1, iommu: 'on' });
  try {
    await writeGuestFile(lab, NAME, '/tmp/state.yaml', STATE);
    await writeGuestFile(lab, NAME, '/tmp/by-hand.sh', SCRIPT);
    // The guest's date has no %N; /proc/uptime has 10 ms resolution, enough here.
    const timed = async (cmd: string) => {
      const script = `cut -d' ' -f1 /proc/uptime; ${cmd} >/dev/null 2>&1; cut -d' ' -f1 /proc/uptime`;
      const [t0 = 0, t1 = 0] = (await guestOk(lab, NAME, script)).trim().split('\n').map(Number);
      return (t1 - t0) * 1000;
    };
    const reset = () => guestOk(lab, NAME, `echo 0 > /sys/bus/pci/devices/${PF}/sriov_numvfs`);
    const vfleet: number[] = [];
    const shell: number[] = [];
    const startup: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await reset();
      vfleet.push(await timed('vfleet host apply -f /tmp/state.yaml'));
      expect0(await guestOk(lab, NAME, 'vfleet host plan -f /tmp/state.yaml -o json'));
      await reset();
      shell.push(await timed('sh /tmp/by-hand.sh'));
      startup.push(await timed('vfleet --version'));
    }
    const v = summarize(vfleet);
    const s = summarize(shell);
    const n = summarize(startup);
    return {
      labUpReadyMs: up.readyMs,
      labBootMs: up.bootMs,
      apply7Vfs: {
        vfleetApply: v,
        shellScript: s,
        ratioMedian: round(v.medianMs / s.medianMs),
        // Node's start-up under software emulation is most of vfleet's time; this is the rest.
        nodeStartup: n,
        ratioWithoutStartup: round((v.medianMs - n.medianMs) / s.medianMs),
      },
    };
  } finally {
    await lab.down(NAME);
  }
}

function expect0(planJson: string): void {
  const changes = (JSON.parse(planJson) as { changes: number }).changes;
  if (changes !== 0) throw new Error(`apply did not converge: ${changes} change(s) left`);
}

/** Wall time of the whole lab test suite (`vitest --project lab`). */
export async function labSuiteBench() {
  const runner = createExecRunner({ path: process.env.PATH, env: process.env });
  const t0 = Date.now();
  const r = await runner.run('npx', ['vitest', 'run', '--project', 'lab'], {
    timeoutMs: 60 * 60_000,
  });
  const totalMs = Date.now() - t0;
  const tests = /Tests\s+(.*)/.exec(r.stdout)?.[1]?.trim() ?? 'unknown';
  return { totalS: round(totalMs / 1000, 1), exitCode: r.exitCode, tests };
}
