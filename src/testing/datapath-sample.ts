import type { DatapathPath, DatapathReport } from '../core/datapath/datapath-report.js';
import { FRAME_SIZES } from '../core/datapath/datapath-report.js';
import { wireMbps } from '../core/datapath/line-rate.js';

/**
 * A datapath report shaped like the lab's (emulated igb, 1 Gbit/s line
 * rate): vf and macvtap measured at every RFC 2544 size, each slower path
 * below the last, vf generator-limited at 64 bytes, vdpa skipped. For the
 * controller's API tests, the dashboard's tests and previews.
 */
export function sampleDatapathReport(host = 'hv-a', over: Partial<DatapathReport> = {}) {
  const measured = (path: DatapathPath, k: number) => ({
    path,
    skipped: null,
    endpoints: path === 'vf' ? 'two VFs of one PF, in namespaces' : 'two macvtaps on one VF',
    points: FRAME_SIZES.map((frameSize) => {
      const ratePps = Math.floor(1e9 / ((frameSize + 20) * 8) / k);
      return {
        frameSize,
        ratePps,
        mbps: wireMbps(ratePps, frameSize),
        trials: 12,
        lossRatioAtRate: 0,
        generatorLimited: path === 'vf' && frameSize === 64,
      };
    }),
    latency: FRAME_SIZES.map((frameSize) => ({
      frameSize,
      summary: {
        p50Us: 20 * k + frameSize / 100,
        p90Us: 30 * k + frameSize / 100,
        p99Us: 45 * k + frameSize / 50,
        maxUs: 90 * k + frameSize / 10,
        samples: 1000,
        atPps: 1000,
      },
    })),
  });
  const report: DatapathReport = {
    host,
    kernel: '6.1.0-28-amd64',
    nic: 'Intel 82576 (igb), emulated by QEMU',
    driver: 'igb',
    generator: 'pktgen (kernel 6.1.0-28-amd64)',
    pinning: { senderCpus: [2, 3], receiverCpus: [4, 5] },
    numa: { nicNode: 0, senderNode: 0, receiverNode: null },
    emulated: true,
    caveat: 'emulated NICs: the figures say nothing about hardware',
    acceptableLoss: 0,
    trialDurationMs: 2000,
    paths: [
      measured('vf', 1),
      measured('macvtap', 2),
      {
        path: 'vdpa',
        skipped: 'no vDPA device on this host',
        endpoints: null,
        points: [],
        latency: [],
      },
    ],
    startedAt: '2030-01-01T00:00:00.000Z',
    durationS: 412,
    ...over,
  };
  return report;
}
